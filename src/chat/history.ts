// conversation_history: each assistant's conversation with a user. The user's message is saved
// before the model is asked (status 'pending'), so nothing is lost when the model fails; the
// reply is saved with its tokens, cost and timings, and a failed message can be retried once.

import type { Queryable } from "../db/db.ts";
import type { ChatMessage } from "../llm/llm.ts";
import type { Assistant } from "../llm/prompts.ts";

export const ASSISTANTS: readonly Assistant[] = ["helper", "soulsleep"];

export function isAssistant(value: unknown): value is Assistant {
  return value === "helper" || value === "soulsleep";
}

/**
 * Saves a user's message. With `updateId` (the update that brought it) an update handled again
 * stores nothing new: the message it stored before is returned.
 */
export async function saveUserMessage(
  db: Queryable,
  userId: number,
  assistant: Assistant,
  content: string,
  now: Date,
  status: "pending" | "held" | "crisis" = "pending",
  updateId?: number,
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO conversation_history (user_id, assistant, role, content, status, created_at,
       update_id)
     VALUES ($1, $2, 'user', $3, $5, $4, $6)
     ON CONFLICT (update_id) WHERE update_id IS NOT NULL DO NOTHING RETURNING id`,
    [userId, assistant, content, now, status, updateId ?? null],
  );
  return row?.id ?? (await messageOfUpdate(db, updateId!))!.id;
}

/** The user's message update `updateId` stored, if it stored one. */
export async function messageOfUpdate(db: Queryable, updateId: number) {
  const [row] = await db.query<{ id: number; status: string }>(
    "SELECT id, status FROM conversation_history WHERE update_id = $1",
    [updateId],
  );
  return row;
}

/** A user's message as answering it needs it; undefined when it is gone (/deletecontext). */
export async function userMessage(db: Queryable, id: number) {
  const [row] = await db.query<{ assistant: Assistant; content: string; status: string }>(
    "SELECT assistant, content, status FROM conversation_history WHERE id = $1 AND role = 'user'",
    [id],
  );
  return row;
}

/**
 * Earlier turns before message `beforeId`, oldest first (at most `limit` rows); without it, the
 * latest turns (a message not saved yet, answered while it is triaged). Messages judged acute are
 * never shown to the model.
 */
export async function recentTurns(
  db: Queryable,
  userId: number,
  assistant: Assistant,
  beforeId: number | undefined,
  limit = 80,
): Promise<ChatMessage[]> {
  const before = beforeId === undefined ? "" : "AND id < $4";
  const rows = await db.query<{ role: "user" | "assistant"; content: string }>(
    `SELECT role, content FROM conversation_history
     WHERE user_id = $1 AND assistant = $2 ${before} AND status <> 'crisis'
     ORDER BY id DESC LIMIT $3`,
    beforeId === undefined ? [userId, assistant, limit] : [userId, assistant, limit, beforeId],
  );
  return rows.reverse();
}

export interface Reply {
  userMessageId: number;
  userId: number;
  assistant: Assistant;
  content: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd?: number;
  firstTextMs?: number;
  totalMs: number;
  now: Date;
}

/**
 * Saves the reply and marks its message answered — only while the message is still being
 * answered: false when another worker answered it, or it was given up on, meanwhile.
 */
export async function saveReply(db: Queryable, r: Reply): Promise<boolean> {
  // One statement, so atomic without a transaction: the reply is inserted only if the message
  // was taken from 'pending' by this very statement.
  const [row] = await db.query<{ saved: number }>(
    `WITH taken AS (
       UPDATE conversation_history SET status = 'answered', tokens = $2::int, model = $3::text
       WHERE id = $1 AND status = 'pending' RETURNING id),
     saved AS (
       INSERT INTO conversation_history (user_id, assistant, role, content, status, reply_to,
         tokens, model, cost_usd, first_text_ms, total_ms, created_at)
       SELECT $4::bigint, $5::text, 'assistant', $6::text, 'answered', taken.id, $7::int,
         $3::text, $8::numeric, $9::int, $10::int, $11::timestamptz
       FROM taken RETURNING id)
     SELECT count(*)::int AS saved FROM saved`,
    [
      r.userMessageId,
      r.inputTokens,
      r.model,
      r.userId,
      r.assistant,
      r.content,
      r.outputTokens,
      r.costUsd ?? null,
      r.firstTextMs ?? null,
      r.totalMs,
      r.now,
    ],
  );
  return row!.saved === 1;
}

/** Marks a message being answered as failed; false when it is no longer being answered. */
export async function markFailed(db: Queryable, id: number): Promise<boolean> {
  const rows = await db.query(
    "UPDATE conversation_history SET status = 'failed' WHERE id = $1 AND status = 'pending' " +
      "RETURNING id",
    [id],
  );
  return rows.length > 0;
}

/**
 * Claims a user's message to be answered now: a failed one (the retry button) or one held at the
 * free limit (after payment). Undefined when it was answered or claimed already.
 */
export async function claimMessage(
  db: Queryable,
  id: number,
  userId: number,
  from: "failed" | "held" | "crisis",
) {
  const [row] = await db.query<{ assistant: Assistant; content: string }>(
    `UPDATE conversation_history SET status = 'pending'
     WHERE id = $1 AND user_id = $2 AND role = 'user' AND status = $3
     RETURNING assistant, content`,
    [id, userId, from],
  );
  return row;
}

/** The user's last few messages in an assistant chat since `since`, oldest first (triage). */
export async function recentUserTexts(
  db: Queryable,
  userId: number,
  assistant: Assistant,
  since: Date,
  limit = 3,
): Promise<string[]> {
  const rows = await db.query<{ content: string }>(
    `SELECT content FROM conversation_history
     WHERE user_id = $1 AND assistant = $2 AND role = 'user' AND created_at >= $3
     ORDER BY id DESC LIMIT $4`,
    [userId, assistant, since, limit],
  );
  return rows.map((r) => r.content).reverse();
}

/** A message judged acute on a second triage: kept, never answered or shown to the model. */
export async function markCrisis(db: Queryable, id: number): Promise<void> {
  await db.query("UPDATE conversation_history SET status = 'crisis' WHERE id = $1", [id]);
}

/** The newest message kept after the free limit, if any. */
export async function latestHeld(db: Queryable, userId: number) {
  const [row] = await db.query<{ id: number; assistant: Assistant }>(
    `SELECT id, assistant FROM conversation_history
     WHERE user_id = $1 AND role = 'user' AND status = 'held' ORDER BY id DESC LIMIT 1`,
    [userId],
  );
  return row;
}

export async function clearHistory(db: Queryable, userId: number, assistant: Assistant) {
  const rows = await db.query(
    "DELETE FROM conversation_history WHERE user_id = $1 AND assistant = $2 RETURNING id",
    [userId, assistant],
  );
  return rows.length;
}

/**
 * At start-up: messages left 'pending' by a process that stopped mid-answer become 'failed' —
 * except those whose update waits in the inbox to be taken up again (its answer is regenerated).
 */
export async function failInterrupted(db: Queryable): Promise<number> {
  const rows = await db.query(
    `UPDATE conversation_history h SET status = 'failed'
     WHERE h.status = 'pending' AND NOT EXISTS (
       SELECT 1 FROM answer_deliveries d JOIN inbox i ON i.update_id = d.update_id
       WHERE d.kind = 'chat' AND d.subject_id = h.id AND d.status = 'open'
         AND i.status IN ('pending', 'working'))
     RETURNING h.id`,
  );
  return rows.length;
}

/** How many of the user's messages up to `upToId` were answered (one assistant, or all). */
export async function answeredCount(
  db: Queryable,
  userId: number,
  upToId: number,
  assistant?: Assistant,
): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM conversation_history
     WHERE user_id = $1 AND role = 'user' AND status = 'answered' AND id <= $2
       AND ($3::text IS NULL OR assistant = $3)`,
    [userId, upToId, assistant ?? null],
  );
  return row?.n ?? 0;
}

/** The last `limit` answered messages and replies (one assistant, or all), oldest first. */
export async function lastExchanges(
  db: Queryable,
  userId: number,
  limit: number,
  assistant?: Assistant,
): Promise<ChatMessage[]> {
  const rows = await db.query<{ role: "user" | "assistant"; content: string }>(
    `SELECT role, content FROM conversation_history
     WHERE user_id = $1 AND (role = 'assistant' OR status = 'answered')
       AND ($2::text IS NULL OR assistant = $2)
     ORDER BY id DESC LIMIT $3`,
    [userId, assistant ?? null, limit],
  );
  return rows.reverse();
}
