// Daily statistics: one statistic_day row per Moscow calendar date, only ever changed by atomic
// upserts (no read-modify-write), and user_activity_day for distinct active users and retention.

import type { Queryable } from "../db/db.ts";

/** Counters a feature may increment; each is a statistic_day column (added by a migration). */
export type DailyCounter =
  | "onboarded"
  | "menu"
  | "profile"
  | "blocked_users"
  | "helper"
  | "soulsleep"
  | "settings"
  | "quiz_started"
  | "quiz_completed"
  | "quick_analyses"
  | "deep_analyses"
  | "payments_started"
  | "payments_succeeded"
  | "payments_canceled"
  | "free_limit_reached"
  /** Roubles received (statistic_day.earn). */
  | "earn"
  | "crisis_detected";

const COUNTERS: ReadonlySet<string> = new Set<DailyCounter>([
  "onboarded",
  "menu",
  "profile",
  "blocked_users",
  "helper",
  "soulsleep",
  "settings",
  "quiz_started",
  "quiz_completed",
  "quick_analyses",
  "deep_analyses",
  "payments_started",
  "payments_succeeded",
  "payments_canceled",
  "free_limit_reached",
  "earn",
  "crisis_detected",
]);

const MOSCOW = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Moscow",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The calendar date in Moscow as YYYY-MM-DD: the day statistics are counted in. */
export function statDate(now: Date): string {
  return MOSCOW.format(now);
}

/** Adds `by` to one counter of the day. */
export async function countDaily(
  db: Queryable,
  date: string,
  counter: DailyCounter,
  by = 1,
): Promise<void> {
  if (!COUNTERS.has(counter)) throw new Error(`Unknown daily counter ${counter}`);
  await db.query(
    `INSERT INTO statistic_day (date, ${counter}) VALUES ($1, $2)
     ON CONFLICT (date) DO UPDATE
       SET ${counter} = statistic_day.${counter} + excluded.${counter}, updated_at = now()`,
    [date, by],
  );
}

export interface Activity {
  userId: number;
  /** When it happened; `date` is its Moscow date. */
  at: Date;
  date: string;
  newUser: boolean;
  /** The update is a message the user wrote (not a button tap). */
  message: boolean;
}

/** A gap longer than this between two interactions starts a new session. */
export const SESSION_GAP_MINUTES = 30;

/**
 * Records one interaction: the user's day row, the day's totals (new, active, events) and the
 * user's session (extended when the last one saw activity within SESSION_GAP_MINUTES).
 */
export async function recordActivity(db: Queryable, a: Activity): Promise<void> {
  const msg = a.message ? 1 : 0;
  const [day] = await db.query<{ first_today: boolean }>(
    `INSERT INTO user_activity_day (user_id, date, events, messages) VALUES ($1, $2, 1, $3)
     ON CONFLICT (user_id, date) DO UPDATE
       SET events = user_activity_day.events + 1,
           messages = user_activity_day.messages + excluded.messages
     RETURNING (xmax = 0) AS first_today`,
    [a.userId, a.date, msg],
  );
  await db.query(
    `INSERT INTO statistic_day (date, new_users, active_users, events, messages)
     VALUES ($1, $2, $3, 1, $4)
     ON CONFLICT (date) DO UPDATE SET
       new_users = statistic_day.new_users + excluded.new_users,
       active_users = statistic_day.active_users + excluded.active_users,
       events = statistic_day.events + 1,
       messages = statistic_day.messages + excluded.messages,
       updated_at = now()`,
    [a.date, a.newUser ? 1 : 0, day?.first_today ? 1 : 0, msg],
  );
  await db.query(
    `WITH extended AS (
       UPDATE user_sessions SET last_at = greatest(last_at, $2), events = events + 1
       WHERE id = (SELECT id FROM user_sessions WHERE user_id = $1 ORDER BY last_at DESC LIMIT 1)
         AND last_at >= $2::timestamptz - make_interval(mins => $3)
       RETURNING id)
     INSERT INTO user_sessions (user_id, started_at, last_at)
     SELECT $1, $2, $2 WHERE NOT EXISTS (SELECT 1 FROM extended)`,
    [a.userId, a.at, SESSION_GAP_MINUTES],
  );
}

/**
 * Takes one message to an assistant from the user's day: with a `limit` (the free tier) only
 * while fewer than `limit` were taken — one atomic statement, so parallel messages cannot exceed
 * it. Returns the day's count with this message, or undefined when the limit was reached.
 */
export async function countAssistantMessage(
  db: Queryable,
  userId: number,
  date: string,
  assistant: "helper" | "soulsleep",
  limit?: number,
): Promise<number | undefined> {
  const [row] = await db.query<{ n: number }>(
    `INSERT INTO user_activity_day (user_id, date, assistant_messages) VALUES ($1, $2, 1)
     ON CONFLICT (user_id, date) DO UPDATE
       SET assistant_messages = user_activity_day.assistant_messages + 1
       WHERE $3::int IS NULL OR user_activity_day.assistant_messages < $3::int
     RETURNING assistant_messages AS n`,
    [userId, date, limit ?? null],
  );
  if (!row) return undefined;
  await countDaily(db, date, assistant);
  return row.n;
}

/** Assistant messages the user sent today (Moscow date). */
export async function usedToday(db: Queryable, userId: number, now: Date): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT assistant_messages AS n FROM user_activity_day WHERE user_id = $1 AND date = $2",
    [userId, statDate(now)],
  );
  return row?.n ?? 0;
}
