// A user's own data: everything stored about them as one JSON document (/export_my_data), and
// deleting all of it (/delete_me). Payments stay only as anonymised accounting records (their
// user_id becomes NULL); everything else keyed by the user is deleted.

import type { Db, Queryable } from "../db/db.ts";

/** Tables with a user_id column, exported as they are (embeddings are left out, see below). */
const USER_TABLES = [
  "user_settings",
  "conversation_history",
  "quiz_sessions",
  "user_activity_day",
  "user_sessions",
  "payments",
  "safety_events",
  "safety_plans",
  "answer_deliveries",
] as const;

async function rows(db: Queryable, sql: string, params: unknown[]): Promise<unknown[]> {
  return (await db.query<{ row: unknown }>(sql, params)).map((r) => r.row);
}

export async function exportUserData(db: Queryable, userId: number, now: Date) {
  const out: Record<string, unknown> = {
    exported_at: now.toISOString(),
    about: "Всё, что SoulNear хранит о вас. Числовые векторы (embeddings) закономерностей " +
      "служебные и не выгружаются; их число указано в psychological_profile.embeddings.",
    user: (await rows(db, "SELECT to_jsonb(u) AS row FROM users u WHERE id = $1", [userId]))[0] ??
      null,
  };
  for (const t of USER_TABLES) {
    out[t] = await rows(
      db,
      `SELECT to_jsonb(t) AS row FROM ${t} t WHERE user_id = $1 ORDER BY 1`,
      [userId],
    );
  }
  out.psychological_profile = (await rows(
    db,
    `SELECT to_jsonb(p) - 'embeddings' || jsonb_build_object('embeddings',
       (SELECT count(*) FROM jsonb_object_keys(p.embeddings))) AS row
     FROM user_profiles p WHERE user_id = $1`,
    [userId],
  ))[0] ?? null;
  out.dialog_state = (await rows(
    db,
    "SELECT to_jsonb(s) AS row FROM aiogram_states s WHERE key = $1",
    [String(userId)],
  ))[0] ?? null;
  return out;
}

/** Deletes everything about the user in one transaction; false when there was no such user. */
export async function deleteUserData(db: Db, userId: number): Promise<boolean> {
  return await db.transaction(async (tx) => {
    await tx.query("DELETE FROM aiogram_states WHERE key = $1", [String(userId)]);
    // Updates given up on keep their payload for a while: gone. Handled ones keep only the chat
    // key (the spam limit's count) until pruned: forgotten; their ids stay against redelivery.
    await tx.query("DELETE FROM inbox WHERE chat_key = $1 AND status = 'parked'", [
      String(userId),
    ]);
    await tx.query("UPDATE inbox SET chat_key = NULL WHERE chat_key = $1 AND status = 'done'", [
      String(userId),
    ]);
    // The update handling this (and any in hand) forgets it once done.
    await tx.query(
      "UPDATE inbox SET forget_chat = true WHERE chat_key = $1 AND status = 'working'",
      [String(userId)],
    );
    // Foreign keys do the rest: ON DELETE CASCADE everywhere, SET NULL on payments.
    const deleted = await tx.query("DELETE FROM users WHERE id = $1 RETURNING id", [userId]);
    return deleted.length > 0;
  });
}
