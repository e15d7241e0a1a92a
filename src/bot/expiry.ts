// The inbox's age limit. An update still not handled a day after it arrived — the database, the
// model or Telegram was down all that time, and a postponed update is retried without counting —
// is set aside (parked) instead of being answered out of the blue: Telegram itself keeps updates
// no longer than that. One WARN line says how many; button presses go silently (their screens are
// long gone), and each chat whose words were set aside gets one short notice (expiredMessage)
// asking to write again if it still matters — never an apology per update.

import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import { parkExpired } from "../inbox/inbox.ts";

/** How long an update may wait in the inbox before it is set aside (Telegram's own retention). */
export const MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface ExpiryDeps {
  db: Db;
  api: Api;
  log: Logger;
  maxAgeMs: number;
  /** The notice for a chat whose message was set aside; none without it. */
  notice?: string;
}

/** Sets aside what is too old; returns how many updates. */
export function createExpiry(d: ExpiryDeps): () => Promise<number> {
  return async () => {
    const expired = await parkExpired(d.db, d.maxAgeMs);
    if (expired.length === 0) return 0;
    const chats = new Set<number>();
    for (const { payload } of expired) {
      const message = (payload as Update).message;
      if (d.notice && message?.chat.type === "private") chats.add(message.chat.id);
    }
    let failure: unknown;
    const told = await Promise.all(
      [...chats].map((chat) =>
        d.api.sendMessage(chat, d.notice!).then(() => true, (err) => {
          failure ??= err;
          return false;
        })
      ),
    );
    const hours = Math.round(d.maxAgeMs / 3_600_000);
    const n = told.filter(Boolean).length;
    d.log.warn(
      `Set aside ${expired.length} update(s) not handled within ${hours} h of arriving; ` +
        `told ${n} of ${chats.size} chat(s)`,
      failure === undefined ? {} : { err: failure },
    );
    return expired.length;
  };
}
