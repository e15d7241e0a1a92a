// grammY storage adapter keeping per-chat dialog state in the aiogram_states table.

import type { StorageAdapter } from "grammy";
import type { Db } from "../db/db.ts";

export function dbStateStorage<T>(db: Db): StorageAdapter<T> {
  return {
    async read(key) {
      const rows = await db.query<{ data: T }>(
        "SELECT data FROM aiogram_states WHERE key = $1",
        [key],
      );
      return rows[0]?.data;
    },
    async write(key, value) {
      await db.query(
        `INSERT INTO aiogram_states (key, data, updated_at) VALUES ($1, $2::jsonb, now())
         ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = now()`,
        [key, value],
        { idempotent: true },
      );
    },
    async delete(key) {
      await db.query("DELETE FROM aiogram_states WHERE key = $1", [key], { idempotent: true });
    },
  };
}
