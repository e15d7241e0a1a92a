// Every button press gets an answer, so Telegram never leaves a spinner turning: the answer a
// feature gives; an empty one when the feature forgot; the error handler's toast when it failed;
// and an empty one after ANSWER_WITHIN_MS when handling takes longer than that (a database that
// does not answer, a chat busy with a long reply) — a later answer is then skipped, and the error
// handler, seeing `callbackAnswered`, writes in the chat instead.

import type { MiddlewareFn } from "grammy";
import type { BotContext } from "./context.ts";

export const ANSWER_WITHIN_MS = 5_000;

const answered = new WeakMap<object, { done: boolean }>();

/** Whether this update's button press has had its answer (a toast can no longer be shown). */
export function callbackAnswered(ctx: BotContext): boolean {
  return answered.get(ctx)?.done ?? false;
}

export function answerCallbacks(
  opts: { withinMs?: number } = {},
): MiddlewareFn<BotContext> {
  const withinMs = opts.withinMs ?? ANSWER_WITHIN_MS;
  return async (ctx, next) => {
    if (!ctx.callbackQuery) return await next();
    const state = { done: false };
    answered.set(ctx, state);
    ctx.api.config.use((prev, method, payload, signal) => {
      if (method !== "answerCallbackQuery") return prev(method, payload, signal);
      // Telegram refuses a second answer; the one already given stands.
      // deno-lint-ignore no-explicit-any -- a transformer may return any API response shape
      if (state.done) return Promise.resolve({ ok: true, result: true } as any);
      state.done = true;
      return prev(method, payload, signal);
    });
    const answer = () =>
      ctx.answerCallbackQuery().catch((err) =>
        ctx.log.warn("Cannot answer a callback query", { err })
      );
    let early: Promise<unknown> | undefined;
    const timer = setTimeout(() => early = answer(), withinMs);
    try {
      await next();
    } finally {
      clearTimeout(timer);
      await early;
    }
    // On an error, bot.catch answers (with the apology or the outage notice).
    if (!state.done) await answer();
  };
}
