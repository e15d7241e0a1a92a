// Crisis mode, the 24 hours of gentle mode after it, and safety events (never message text).

import type { Queryable } from "../db/db.ts";
import { countDaily, statDate } from "../stats/daily.ts";
import type { Place } from "./tier.ts";
import type { Source } from "./combine.ts";

export type { Place };

/** After «Я в безопасности» the assistants speak gently and nothing is counted for this long. */
export const GENTLE_MS = 24 * 60 * 60 * 1000;

export type EventKind = "detected" | "checkin" | "resolved" | "concern" | "false_alarm" | "sos";

export async function enterCrisis(
  db: Queryable,
  userId: number,
  place: Place,
  source: Source,
  now: Date,
): Promise<void> {
  await db.query(
    "UPDATE users SET crisis_since = coalesce(crisis_since, $2) WHERE id = $1",
    [userId, now],
  );
  await recordEvent(db, userId, "detected", place, now, source);
  await countDaily(db, statDate(now), "crisis_detected");
}

/**
 * Ends crisis mode; `place` is where the user said they are safe (the chat they are in). A real
 * crisis («Я в безопасности») starts gentle mode; a false alarm does not.
 */
export async function leaveCrisis(
  db: Queryable,
  userId: number,
  place: Place,
  now: Date,
  how: "resolved" | "false_alarm" = "resolved",
): Promise<boolean> {
  const gentleUntil = how === "resolved" ? new Date(now.getTime() + GENTLE_MS) : null;
  const rows = await db.query(
    `UPDATE users SET crisis_since = NULL, gentle_until = coalesce($2, gentle_until)
     WHERE id = $1 AND crisis_since IS NOT NULL RETURNING id`,
    [userId, gentleUntil],
  );
  if (rows.length) await recordEvent(db, userId, how, place, now);
  return rows.length > 0;
}

export function isGentle(user: { gentle_until: Date | null }, now: Date): boolean {
  return user.gentle_until !== null && user.gentle_until.getTime() > now.getTime();
}

export async function recordEvent(
  db: Queryable,
  userId: number,
  kind: EventKind,
  place: Place | "sos",
  now: Date,
  source?: Source,
): Promise<void> {
  await db.query(
    "INSERT INTO safety_events (user_id, kind, source, place, created_at) VALUES ($1, $2, $3, $4, $5)",
    [userId, kind, source ?? null, place, now],
  );
}
