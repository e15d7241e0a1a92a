// Incoming spam: at most LIMIT updates per user in WINDOW_MS (the @grammyjs/ratelimiter plugin,
// in memory). Updates beyond it are dropped, and the user is told once per window, politely.

import { limit } from "@grammyjs/ratelimiter";
import type { Context, MiddlewareFn } from "grammy";

export const LIMIT = 15;
export const WINDOW_MS = 10_000;
export const SLOW_DOWN = "Вы пишете очень быстро — я не успеваю. Подождите несколько секунд, " +
  "и я продолжу 🙂";

export function rateLimit<C extends Context>(opts: { limit?: number; windowMs?: number } = {}) {
  const windowMs = opts.windowMs ?? WINDOW_MS;
  const told = new Map<number, number>();
  return limit<C, never>({
    timeFrame: windowMs,
    limit: opts.limit ?? LIMIT,
    keyGenerator: (ctx) => ctx.from?.id.toString(),
    onLimitExceeded: async (ctx) => {
      const id = ctx.from?.id;
      const now = Date.now();
      if (!id || (told.get(id) ?? 0) > now - windowMs) return;
      told.set(id, now);
      if (told.size > 10_000) told.clear();
      if (ctx.chat?.type === "private") await ctx.reply(SLOW_DOWN).catch(() => {});
    },
  }) as MiddlewareFn<C>;
}
