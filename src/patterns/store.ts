// user_profiles: reading a profile for display and prompts (embeddings left out), and changing
// it as one read-modify-write under a row lock, so two analyses at once never lose an update.

import type { Db, Queryable } from "../db/db.ts";
import type { Assistant } from "../llm/prompts.ts";
import type { Embeddings } from "./merge.ts";
import type { EmotionalState, Insight, Pattern, Profile } from "./profile.ts";

export interface StoredProfile extends Profile {
  embeddings: Embeddings;
  /** The assistant whose quick analysis failed last time (tried again at the next answer). */
  retry_quick: Assistant | null;
  retry_deep: boolean;
  quick_at: Date | null;
  deep_at: Date | null;
}

const EMPTY: Profile = { patterns: [], insights: [], emotional_state: null };

export async function loadProfile(db: Queryable, userId: number): Promise<Profile> {
  const [row] = await db.query<Profile>(
    "SELECT patterns, insights, emotional_state FROM user_profiles WHERE user_id = $1",
    [userId],
  );
  return row ?? EMPTY;
}

export async function loadRetries(db: Queryable, userId: number) {
  const [row] = await db.query<Pick<StoredProfile, "retry_quick" | "retry_deep">>(
    "SELECT retry_quick, retry_deep FROM user_profiles WHERE user_id = $1",
    [userId],
  );
  return row ?? { retry_quick: null, retry_deep: false };
}

/** Remembers (or forgets) that an analysis failed, so it is tried again next time. */
export async function setRetry(
  db: Queryable,
  userId: number,
  kind: "quick" | "deep",
  value: Assistant | boolean | null,
): Promise<void> {
  const column = kind === "quick" ? "retry_quick" : "retry_deep";
  await db.query(
    `INSERT INTO user_profiles (user_id, ${column}) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET ${column} = EXCLUDED.${column}`,
    [userId, value],
    { idempotent: true },
  );
}

/**
 * Runs `change` on the locked profile row (created when missing) and writes back what it left
 * in the object. `change` must not call out to the network: the row is locked meanwhile.
 */
export async function updateProfile<T>(
  db: Db,
  userId: number,
  now: Date,
  change: (p: StoredProfile) => T,
): Promise<T> {
  return await db.transaction(async (tx) => {
    await tx.query(
      "INSERT INTO user_profiles (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING",
      [userId],
    );
    const [row] = await tx.query<StoredProfile>(
      `SELECT patterns, embeddings, insights, emotional_state, retry_quick, retry_deep,
              quick_at, deep_at
       FROM user_profiles WHERE user_id = $1 FOR UPDATE`,
      [userId],
    );
    const p = row!;
    const result = change(p);
    await tx.query(
      `UPDATE user_profiles SET patterns = $2, embeddings = $3, insights = $4,
         emotional_state = $5, retry_quick = $6, retry_deep = $7, quick_at = $8, deep_at = $9,
         updated_at = $10
       WHERE user_id = $1`,
      [
        userId,
        p.patterns satisfies Pattern[],
        p.embeddings,
        p.insights satisfies Insight[],
        p.emotional_state satisfies EmotionalState | null,
        p.retry_quick,
        p.retry_deep,
        p.quick_at,
        p.deep_at,
        now,
      ],
    );
    return result;
  });
}
