// Daily statistics: one statistic_day row per Moscow calendar date, only ever changed by atomic
// upserts (no read-modify-write), and user_activity_day for distinct active users and retention.
// What every update adds (activity, screens shown) goes through the tally (tally.ts), written in
// batches; countDaily here is for events written together with what they count (a payment).

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

export function isDailyCounter(name: string): name is DailyCounter {
  return COUNTERS.has(name);
}

/** Adds `by` to one counter of the day. */
export async function countDaily(
  db: Queryable,
  date: string,
  counter: DailyCounter,
  by = 1,
): Promise<void> {
  if (!isDailyCounter(counter)) throw new Error(`Unknown daily counter ${counter}`);
  await db.query(
    `INSERT INTO statistic_day (date, ${counter}) VALUES ($1, $2)
     ON CONFLICT (date) DO UPDATE
       SET ${counter} = statistic_day.${counter} + excluded.${counter}, updated_at = now()`,
    [date, by],
  );
}

/** A gap longer than this between two interactions starts a new session (src/stats/tally.ts). */
export const SESSION_GAP_MINUTES = 30;

/**
 * Takes one message to an assistant from the user's day: with a `limit` (the free tier) only
 * while fewer than `limit` were taken — one atomic statement, so parallel messages cannot exceed
 * it. Returns the day's count with this message, or undefined when the limit was reached. The
 * day's totals (statistic_day's helper / soulsleep) are the caller's to count, through the tally:
 * one row every message of every user would otherwise wait on.
 */
export async function countAssistantMessage(
  db: Queryable,
  userId: number,
  date: string,
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
  return row?.n;
}

/** Assistant messages the user sent today (Moscow date). */
export async function usedToday(db: Queryable, userId: number, now: Date): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT assistant_messages AS n FROM user_activity_day WHERE user_id = $1 AND date = $2",
    [userId, statDate(now)],
  );
  return row?.n ?? 0;
}
