// Skips updates Telegram delivers again (after a crash before the offset was confirmed, or a
// webhook retry): each update_id is claimed in the database once; a second claim fails.

import type { MiddlewareFn } from "grammy";
import type { Db } from "../db/db.ts";
import type { BotContext } from "./context.ts";

export function dedupeUpdates(db: Db): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const claimed = await db.query(
      `INSERT INTO processed_updates (update_id) VALUES ($1)
       ON CONFLICT (update_id) DO NOTHING RETURNING update_id`,
      [ctx.update.update_id],
    );
    if (claimed.length === 0) {
      ctx.log.info("Skipped a redelivered update");
      return;
    }
    await next();
  };
}

/** Forgets claims older than `days`; Telegram never redelivers updates that old. */
export async function pruneProcessedUpdates(db: Db, days = 2): Promise<number> {
  const rows = await db.query(
    "DELETE FROM processed_updates WHERE processed_at < now() - make_interval(days => $1) RETURNING 1",
    [days],
    { idempotent: true },
  );
  return rows.length;
}
