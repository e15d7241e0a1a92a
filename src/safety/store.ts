// Crisis mode and safety events (never message text).

import type { Queryable } from "../db/db.ts";
import { countDaily, statDate } from "../stats/daily.ts";

export type Place = "helper" | "soulsleep" | "quiz";

export async function enterCrisis(
  db: Queryable,
  userId: number,
  place: Place,
  source: "patterns" | "moderation",
  now: Date,
): Promise<void> {
  await db.query(
    "UPDATE users SET crisis_since = coalesce(crisis_since, $2) WHERE id = $1",
    [userId, now],
  );
  await recordEvent(db, userId, "detected", place, now, source);
  await countDaily(db, statDate(now), "crisis_detected");
}

/** Ends crisis mode; `place` is where the user said they are safe (the chat they are in). */
export async function leaveCrisis(
  db: Queryable,
  userId: number,
  place: Place,
  now: Date,
): Promise<boolean> {
  const rows = await db.query(
    "UPDATE users SET crisis_since = NULL WHERE id = $1 AND crisis_since IS NOT NULL RETURNING id",
    [userId],
  );
  if (rows.length) await recordEvent(db, userId, "resolved", place, now);
  return rows.length > 0;
}

export async function recordEvent(
  db: Queryable,
  userId: number,
  kind: "detected" | "checkin" | "resolved",
  place: Place,
  now: Date,
  source?: "patterns" | "moderation",
): Promise<void> {
  await db.query(
    "INSERT INTO safety_events (user_id, kind, source, place, created_at) VALUES ($1, $2, $3, $4, $5)",
    [userId, kind, source ?? null, place, now],
  );
}
