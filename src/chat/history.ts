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

export async function saveUserMessage(
  db: Queryable,
  userId: number,
  assistant: Assistant,
  content: string,
  now: Date,
  status: "pending" | "held" | "crisis" = "pending",
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO conversation_history (user_id, assistant, role, content, status, created_at)
     VALUES ($1, $2, 'user', $3, $5, $4) RETURNING id`,
    [userId, assistant, content, now, status],
  );
  return row!.id;
}

/**
 * Earlier turns before message `beforeId`, oldest first (at most `limit` rows). Messages judged
 * acute are never shown to the model.
 */
export async function recentTurns(
  db: Queryable,
  userId: number,
  assistant: Assistant,
  beforeId: number,
  limit = 80,
): Promise<ChatMessage[]> {
  const rows = await db.query<{ role: "user" | "assistant"; content: string }>(
    `SELECT role, content FROM conversation_history
     WHERE user_id = $1 AND assistant = $2 AND id < $3 AND status <> 'crisis'
     ORDER BY id DESC LIMIT $4`,
    [userId, assistant, beforeId, limit],
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

export async function saveReply(db: Queryable, r: Reply): Promise<void> {
  await db.query(
    `INSERT INTO conversation_history (user_id, assistant, role, content, status, reply_to,
       tokens, model, cost_usd, first_text_ms, total_ms, created_at)
     VALUES ($1, $2, 'assistant', $3, 'answered', $4, $5, $6, $7, $8, $9, $10)`,
    [
      r.userId,
      r.assistant,
      r.content,
      r.userMessageId,
      r.outputTokens,
      r.model,
      r.costUsd ?? null,
      r.firstTextMs ?? null,
      r.totalMs,
      r.now,
    ],
  );
  await db.query(
    "UPDATE conversation_history SET status = 'answered', tokens = $2, model = $3 WHERE id = $1",
    [r.userMessageId, r.inputTokens, r.model],
  );
}

export async function markFailed(db: Queryable, id: number): Promise<void> {
  await db.query("UPDATE conversation_history SET status = 'failed' WHERE id = $1", [id]);
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

/** At start-up: messages left 'pending' by a process that stopped mid-answer become 'failed'. */
export async function failInterrupted(db: Queryable): Promise<number> {
  const rows = await db.query(
    "UPDATE conversation_history SET status = 'failed' WHERE status = 'pending' RETURNING id",
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
