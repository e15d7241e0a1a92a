// Pseudonymous user ids for logs: a keyed hash of the Telegram id, stable within one deployment
// (the key is the bot token) and not reversible by trying every id without that key.

import { createHmac } from "node:crypto";

export type Pseudonym = (userId: number) => string;

export function pseudonymiser(key: string): Pseudonym {
  const cache = new Map<number, string>();
  return (userId) => {
    let tag = cache.get(userId);
    if (!tag) {
      tag = "u" + createHmac("sha256", key).update(String(userId)).digest("hex").slice(0, 10);
      if (cache.size > 10_000) cache.clear();
      cache.set(userId, tag);
    }
    return tag;
  };
}
