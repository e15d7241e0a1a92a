// grammY storage adapter keeping per-chat dialog state in the aiogram_states table. An empty
// state is no state: its row is deleted, so a chat outside any flow leaves no trace.

import type { StorageAdapter } from "grammy";
import type { Db } from "../db/db.ts";

export function dbStateStorage<T>(db: Db): StorageAdapter<T> {
  const remove = async (key: string) => {
    await db.query("DELETE FROM aiogram_states WHERE key = $1", [key], { idempotent: true });
  };
  return {
    async read(key) {
      const rows = await db.query<{ data: T }>(
        "SELECT data FROM aiogram_states WHERE key = $1",
        [key],
      );
      return rows[0]?.data;
    },
    async write(key, value) {
      if (isEmpty(value)) return await remove(key);
      await db.query(
        `INSERT INTO aiogram_states (key, data, updated_at) VALUES ($1, $2::jsonb, now())
         ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = now()`,
        [key, value],
        { idempotent: true },
      );
    },
    delete: remove,
  };
}

function isEmpty(value: unknown): boolean {
  return value !== null && typeof value === "object" &&
    Object.values(value).every((v) => v === undefined);
}
