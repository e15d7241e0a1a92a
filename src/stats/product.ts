// Product statistics over a period of Moscow dates: retention cohorts (users, user_activity_day),
// session durations (user_sessions), quiz completion (quiz_sessions), feature usage per day
// (statistic_day) and OpenAI cost per active user (metric_day, statistic_day, user_activity_day).

import type { Queryable } from "../db/db.ts";

/** Moscow calendar dates (YYYY-MM-DD), both inclusive. */
export interface Period {
  from: string;
  to: string;
}

/** `rate` = returned / of, 0 when `of` is 0. */
export interface Rate {
  returned: number;
  of: number;
  rate: number;
}

/** Users registered on `date`; Dn is null while day date + n is not over yet. */
export interface Cohort {
  date: string;
  users: number;
  d1: Rate | null;
  d7: Rate | null;
  d30: Rate | null;
}

/** The cohorts and, per n, the totals over the cohorts whose Dn is known (null when none). */
export interface Retention {
  cohorts: Cohort[];
  d1: Rate | null;
  d7: Rate | null;
  d30: Rate | null;
}

/** Durations are rounded to whole seconds; `perUser` = count / users (0 when none). */
export interface Sessions {
  count: number;
  users: number;
  avgSeconds: number;
  medianSeconds: number;
  p90Seconds: number;
  perUser: number;
}

export interface QuizCompletion {
  category: string;
  started: number;
  completed: number;
  rate: number;
}

export interface FeatureDay {
  date: string;
  new_users: number;
  active_users: number;
  messages: number;
  helper: number;
  soulsleep: number;
  quiz_started: number;
  quiz_completed: number;
  settings: number;
  profile: number;
  menu: number;
  payments_started: number;
  payments_succeeded: number;
  earn: number;
  crisis_detected: number;
}

export interface CostDay {
  date: string;
  costUsd: number;
  activeUsers: number;
  perActiveUser: number | null;
}

/** `new`: sum of statistic_day.new_users; `active`: distinct users active in the period. */
export interface Users {
  new: number;
  active: number;
}

export interface QuizStats {
  categories: QuizCompletion[];
  /** Over all categories, with category "total". */
  total: QuizCompletion;
}

export interface CostStats {
  days: CostDay[];
  totalUsd: number;
  /** totalUsd / distinct active users over the period, null when there were none. */
  perActiveUser: number | null;
}

export interface ProductStats {
  period: Period;
  users: Users;
  retention: Retention;
  sessions: Sessions;
  quizzes: QuizStats;
  features: FeatureDay[];
  cost: CostStats;
}

/** The metric_day series holding the dollars spent on OpenAI (labelled by model). */
export const OPENAI_COST_METRIC = "soulnear_openai_cost_usd_total";

// Timestamps are matched against the Moscow-midnight bounds of the period rather than by
// converting every row, so the started_at / created_at indexes can be used.
const IN_PERIOD = (column: string) =>
  `${column} >= $1::date::timestamp AT TIME ZONE 'Europe/Moscow'
   AND ${column} < ($2::date + 1)::timestamp AT TIME ZONE 'Europe/Moscow'`;

// Every date of the period, as `day` (date).
const PERIOD_DAYS = "SELECT $1::date + i AS day FROM generate_series(0, $2::date - $1::date) AS i";

function rate(returned: number, of: number): Rate {
  return { returned, of, rate: of === 0 ? 0 : returned / of };
}

/** Dn per registration-day cohort; Dn is counted only once day cohort + n is before `today`. */
export async function retention(db: Queryable, period: Period, today: string): Promise<Retention> {
  const rows = await db.query<{
    date: string;
    users: number;
    r1: number;
    r7: number;
    r30: number;
    ready1: boolean;
    ready7: boolean;
    ready30: boolean;
  }>(
    `WITH cohort AS (
       SELECT id AS user_id, (created_at AT TIME ZONE 'Europe/Moscow')::date AS day
       FROM users WHERE ${IN_PERIOD("created_at")})
     SELECT to_char(c.day, 'YYYY-MM-DD') AS date, count(*)::int AS users,
       count(a1.user_id)::int AS r1, count(a7.user_id)::int AS r7, count(a30.user_id)::int AS r30,
       c.day + 1 < $3::date AS ready1, c.day + 7 < $3::date AS ready7,
       c.day + 30 < $3::date AS ready30
     FROM cohort c
     LEFT JOIN user_activity_day a1 ON a1.user_id = c.user_id AND a1.date = c.day + 1
     LEFT JOIN user_activity_day a7 ON a7.user_id = c.user_id AND a7.date = c.day + 7
     LEFT JOIN user_activity_day a30 ON a30.user_id = c.user_id AND a30.date = c.day + 30
     GROUP BY c.day ORDER BY c.day`,
    [period.from, period.to, today],
  );
  const cohorts = rows.map((r): Cohort => ({
    date: r.date,
    users: r.users,
    d1: r.ready1 ? rate(r.r1, r.users) : null,
    d7: r.ready7 ? rate(r.r7, r.users) : null,
    d30: r.ready30 ? rate(r.r30, r.users) : null,
  }));
  const total = (day: "d1" | "d7" | "d30"): Rate | null => {
    const known = cohorts.map((c) => c[day]).filter((r): r is Rate => r !== null);
    if (known.length === 0) return null;
    return rate(known.reduce((s, r) => s + r.returned, 0), known.reduce((s, r) => s + r.of, 0));
  };
  return { cohorts, d1: total("d1"), d7: total("d7"), d30: total("d30") };
}

/** Sessions that started in the period: count, users and duration (whole seconds). */
export async function sessions(db: Queryable, period: Period): Promise<Sessions> {
  const [row] = await db.query<Omit<Sessions, "perUser">>(
    `SELECT count(*)::int AS "count", count(DISTINCT user_id)::int AS users,
       coalesce(round(avg(s)::numeric), 0)::float8 AS "avgSeconds",
       coalesce(round((percentile_cont(0.5) WITHIN GROUP (ORDER BY s))::numeric), 0)::float8
         AS "medianSeconds",
       coalesce(round((percentile_cont(0.9) WITHIN GROUP (ORDER BY s))::numeric), 0)::float8
         AS "p90Seconds"
     FROM (SELECT user_id, extract(epoch FROM last_at - started_at)::float8 AS s
           FROM user_sessions WHERE ${IN_PERIOD("started_at")}) AS t`,
    [period.from, period.to],
  );
  const r = row ?? { count: 0, users: 0, avgSeconds: 0, medianSeconds: 0, p90Seconds: 0 };
  return { ...r, perUser: r.users === 0 ? 0 : r.count / r.users };
}

/** Quizzes started in the period per category (always all four) and in total. */
export async function quizCompletion(db: Queryable, period: Period): Promise<QuizStats> {
  const rows = await db.query<{ category: string; started: number; completed: number }>(
    `SELECT c.category, count(q.id)::int AS started,
       count(q.id) FILTER (WHERE q.status = 'completed')::int AS completed
     FROM (VALUES (1, 'relationships'), (2, 'money'), (3, 'confidence'), (4, 'fears'))
       AS c(ord, category)
     LEFT JOIN quiz_sessions q ON q.category = c.category AND ${IN_PERIOD("q.started_at")}
     GROUP BY c.ord, c.category ORDER BY c.ord`,
    [period.from, period.to],
  );
  const completion = (category: string, started: number, completed: number) => ({
    category,
    started,
    completed,
    rate: started === 0 ? 0 : completed / started,
  });
  const started = rows.reduce((s, r) => s + r.started, 0);
  const completed = rows.reduce((s, r) => s + r.completed, 0);
  return {
    categories: rows.map((r) => completion(r.category, r.started, r.completed)),
    total: completion("total", started, completed),
  };
}

/** The day counters of every date in the period (zeros for a day without a row). */
export function featureUsage(db: Queryable, period: Period): Promise<FeatureDay[]> {
  return db.query<FeatureDay>(
    `SELECT to_char(d.day, 'YYYY-MM-DD') AS date,
       coalesce(s.new_users, 0) AS new_users, coalesce(s.active_users, 0) AS active_users,
       coalesce(s.messages, 0) AS messages, coalesce(s.helper, 0) AS helper,
       coalesce(s.soulsleep, 0) AS soulsleep, coalesce(s.quiz_started, 0) AS quiz_started,
       coalesce(s.quiz_completed, 0) AS quiz_completed, coalesce(s.settings, 0) AS settings,
       coalesce(s.profile, 0) AS profile, coalesce(s.menu, 0) AS menu,
       coalesce(s.payments_started, 0) AS payments_started,
       coalesce(s.payments_succeeded, 0) AS payments_succeeded,
       coalesce(s.earn, 0)::float8 AS earn, coalesce(s.crisis_detected, 0) AS crisis_detected
     FROM (${PERIOD_DAYS}) AS d LEFT JOIN statistic_day s ON s.date = d.day
     ORDER BY d.day`,
    [period.from, period.to],
  );
}

/** OpenAI dollars per day (all models and services) and per active user. */
export async function openAiCost(db: Queryable, period: Period): Promise<CostStats> {
  const rows = await db.query<{ date: string; usd: number; active: number; period_active: number }>(
    `SELECT to_char(d.day, 'YYYY-MM-DD') AS date, coalesce(m.usd, 0)::float8 AS usd,
       coalesce(s.active_users, 0) AS active,
       (SELECT count(DISTINCT user_id)::int FROM user_activity_day
        WHERE date BETWEEN $1::date AND $2::date) AS period_active
     FROM (${PERIOD_DAYS}) AS d
     LEFT JOIN (SELECT date, sum(value) AS usd FROM metric_day
                WHERE name = $3 AND date BETWEEN $1::date AND $2::date GROUP BY date) AS m
       ON m.date = d.day
     LEFT JOIN statistic_day s ON s.date = d.day
     ORDER BY d.day`,
    [period.from, period.to, OPENAI_COST_METRIC],
  );
  const days = rows.map((r): CostDay => ({
    date: r.date,
    costUsd: r.usd,
    activeUsers: r.active,
    perActiveUser: r.active === 0 ? null : r.usd / r.active,
  }));
  const totalUsd = days.reduce((s, d) => s + d.costUsd, 0);
  const active = rows[0]?.period_active ?? 0;
  return { days, totalUsd, perActiveUser: active === 0 ? null : totalUsd / active };
}

/** New users (day counters) and distinct active users of the period. */
export async function userCounts(db: Queryable, period: Period): Promise<Users> {
  const [row] = await db.query<{ new_users: number; active: number }>(
    `SELECT
       (SELECT coalesce(sum(new_users), 0)::int FROM statistic_day
        WHERE date BETWEEN $1::date AND $2::date) AS new_users,
       (SELECT count(DISTINCT user_id)::int FROM user_activity_day
        WHERE date BETWEEN $1::date AND $2::date) AS active`,
    [period.from, period.to],
  );
  return { new: row?.new_users ?? 0, active: row?.active ?? 0 };
}

/**
 * Everything above for one period; `today` (Moscow date) decides which retention days are over.
 * Retention covers the cohorts registered in `cohorts` (default: the period itself).
 */
export async function productStats(
  db: Queryable,
  period: Period,
  today: string,
  cohorts: Period = period,
): Promise<ProductStats> {
  const [users, ret, sess, quizzes, features, cost] = await Promise.all([
    userCounts(db, period),
    retention(db, cohorts, today),
    sessions(db, period),
    quizCompletion(db, period),
    featureUsage(db, period),
    openAiCost(db, period),
  ]);
  return { period, users, retention: ret, sessions: sess, quizzes, features, cost };
}
