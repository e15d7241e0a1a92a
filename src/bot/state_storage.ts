// grammY storage adapter keeping per-chat dialog state in the aiogram_states table. An empty
// state is no state: its row is deleted, so a chat outside any flow leaves no trace.
//
// Round trips: the state is usually read together with the user's record, in the one statement
// the update starts with (user.ts prefetch); the adapter then takes it from the stash instead of
// asking again. And it is written only when it changed: the adapter remembers what it read (in a
// canonical form) and skips a write of the same value, or a delete of a row that is not there —
// grammY's session writes back every state it was asked for, changed or not.

import type { StorageAdapter } from "grammy";
import type { Db } from "../db/db.ts";

/** States read ahead of the session middleware, by chat key, each taken once. */
export interface StateStash {
  /** `data` undefined: the chat has no state row. */
  put(key: string, data: unknown): void;
  take(key: string): { data: unknown } | undefined;
  /** Forgets what is known of the chat (the update is over). */
  forget(key: string): void;
}

export function createStateStash(): StateStash & { seen: Map<string, string | null> } {
  const ahead = new Map<string, { data: unknown }>();
  /** What the store holds for a chat as this update read it: canonical JSON, null for no row. */
  const seen = new Map<string, string | null>();
  return {
    seen,
    put: (key, data) => void ahead.set(key, { data }),
    take(key) {
      const got = ahead.get(key);
      ahead.delete(key);
      return got;
    },
    forget(key) {
      ahead.delete(key);
      seen.delete(key);
    },
  };
}

export function dbStateStorage<T>(
  db: Db,
  stash: ReturnType<typeof createStateStash> = createStateStash(),
): StorageAdapter<T> {
  const { seen } = stash;
  const remove = async (key: string) => {
    if (seen.get(key) === null) return; // no row to delete
    await db.query("DELETE FROM aiogram_states WHERE key = $1", [key], { idempotent: true });
    seen.set(key, null);
  };
  return {
    async read(key) {
      const ahead = stash.take(key);
      const data = ahead
        ? ahead.data as T | undefined
        : (await db.query<{ data: T }>("SELECT data FROM aiogram_states WHERE key = $1", [key]))[0]
          ?.data;
      seen.set(key, data === undefined || data === null ? null : canonical(data));
      return data ?? undefined;
    },
    async write(key, value) {
      if (isEmpty(value)) return await remove(key);
      const now = canonical(value);
      if (seen.get(key) === now) return; // unchanged
      await db.query(
        `INSERT INTO aiogram_states (key, data, updated_at) VALUES ($1, $2::jsonb, now())
         ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = now()`,
        [key, value],
        { idempotent: true },
      );
      seen.set(key, now);
    },
    delete: remove,
  };
}

function isEmpty(value: unknown): boolean {
  return value !== null && typeof value === "object" &&
    Object.values(value).every((v) => v === undefined);
}

/** JSON with object keys sorted and undefined fields left out: equal states, equal strings. */
export function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_, v) =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
        : v,
  );
}
