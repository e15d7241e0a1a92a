// quiz_sessions: a quiz in progress lives here (not in the chat's dialog state), so it survives
// restarts and navigation. Answers are appended atomically, and only at the expected position,
// so a double tap or a stale button can never answer a question twice.

import type { Queryable } from "../db/db.ts";
import type { QuizCategory } from "./categories.ts";
import type { Answer, Plan, Scores } from "./engine.ts";

export interface QuizSession {
  id: number;
  user_id: number;
  category: QuizCategory;
  status: "active" | "completed" | "abandoned";
  adaptive: boolean;
  plan: string[];
  answers: Answer[];
  branch: Plan["branch"] | null;
  scores: Scores | null;
  result: string | null;
  completed_at: Date | null;
}

const COLUMNS = "id, user_id, category, status, adaptive, plan, answers, branch, scores, " +
  "result, completed_at";

export function planOf(s: QuizSession): Plan {
  return s.branch ? { questions: s.plan, branch: s.branch } : { questions: s.plan };
}

/** Starts a new session; an unfinished one of the same category is abandoned. */
export async function startSession(
  db: Queryable,
  userId: number,
  category: QuizCategory,
  plan: Plan,
  adaptive: boolean,
  now: Date,
): Promise<QuizSession> {
  await db.query(
    `UPDATE quiz_sessions SET status = 'abandoned', updated_at = $3
     WHERE user_id = $1 AND category = $2 AND status = 'active'`,
    [userId, category, now],
  );
  const [row] = await db.query<QuizSession>(
    `INSERT INTO quiz_sessions (user_id, category, adaptive, plan, started_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5) RETURNING ${COLUMNS}`,
    [userId, category, adaptive, plan.questions, now],
  );
  return row!;
}

export async function getSession(db: Queryable, id: number, userId: number) {
  const [row] = await db.query<QuizSession>(
    `SELECT ${COLUMNS} FROM quiz_sessions WHERE id = $1 AND user_id = $2`,
    [id, userId],
  );
  return row;
}

export async function activeSession(db: Queryable, userId: number, category: QuizCategory) {
  const [row] = await db.query<QuizSession>(
    `SELECT ${COLUMNS} FROM quiz_sessions
     WHERE user_id = $1 AND category = $2 AND status = 'active'`,
    [userId, category],
  );
  return row;
}

export async function activeCategories(db: Queryable, userId: number): Promise<QuizCategory[]> {
  const rows = await db.query<{ category: QuizCategory }>(
    "SELECT category FROM quiz_sessions WHERE user_id = $1 AND status = 'active'",
    [userId],
  );
  return rows.map((r) => r.category);
}

/**
 * Records the answer to question number `position` (0-based) with the plan that follows from
 * it; undefined when that question was answered already or the session is no longer active.
 */
export async function saveAnswer(
  db: Queryable,
  id: number,
  position: number,
  answer: Answer,
  plan: Plan,
  now: Date,
): Promise<QuizSession | undefined> {
  const [row] = await db.query<QuizSession>(
    `UPDATE quiz_sessions
     SET answers = answers || jsonb_build_array($3::jsonb), plan = $4, branch = $5,
         updated_at = $6
     WHERE id = $1 AND status = 'active' AND jsonb_array_length(answers) = $2
     RETURNING ${COLUMNS}`,
    [id, position, { ...answer, at: now.toISOString() }, plan.questions, plan.branch ?? null, now],
  );
  return row;
}

/** Stores the result of an active session; false when it is no longer active (done already). */
export async function completeSession(
  db: Queryable,
  id: number,
  scores: Scores,
  result: string,
  source: "llm" | "fallback",
  now: Date,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE quiz_sessions SET status = 'completed', scores = $2, result = $3, result_source = $4,
       completed_at = $5, updated_at = $5
     WHERE id = $1 AND status = 'active' RETURNING id`,
    [id, scores, result, source, now],
  );
  return rows.length > 0;
}

export async function completedQuizzes(db: Queryable, userId: number, limit = 5) {
  return await db.query<{ category: QuizCategory; completed_at: Date; scores: Scores | null }>(
    `SELECT category, completed_at, scores FROM quiz_sessions
     WHERE user_id = $1 AND status = 'completed' ORDER BY completed_at DESC LIMIT $2`,
    [userId, limit],
  );
}
