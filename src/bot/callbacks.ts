// Every button press gets an answer, so Telegram never leaves a spinner turning: the answer a
// feature gives; an empty one when the feature forgot; the error handler's toast when it failed;
// and an empty one after ANSWER_WITHIN_MS when handling takes longer than that (a database that
// does not answer, a chat busy with a long reply). A later answer's text then goes to the chat
// as a message, and the error handler, seeing `callbackAnswered`, writes in the chat too.

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
    ctx.api.config.use(async (prev, method, payload, signal) => {
      if (method !== "answerCallbackQuery") return await prev(method, payload, signal);
      if (state.done) {
        // Telegram refuses a second answer; the one given stands. Words meant for the toast
        // (a late «payment unavailable») are not lost: they go to the chat.
        const text = (payload as { text?: string }).text;
        if (text && ctx.chat) {
          await ctx.api.sendMessage(ctx.chat.id, text).catch((err) =>
            ctx.log.warn("Cannot send a late callback answer", { err })
          );
        }
        // deno-lint-ignore no-explicit-any -- a transformer may return any API response shape
        return { ok: true, result: true } as any;
      }
      state.done = true;
      return await prev(method, payload, signal);
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
