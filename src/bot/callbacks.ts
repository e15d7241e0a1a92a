// Every button press gets an answer, so Telegram never leaves a spinner turning: the answer a
// feature gives; an empty one when the feature forgot; the error handler's toast when it failed;
// and an empty one after ANSWER_WITHIN_MS when handling takes longer than that (a database that
// does not answer, a chat busy with a long reply). A later answer's text then goes to the chat
// as a message, and the error handler, seeing `callbackAnswered`, writes in the chat too. A press
// Telegram no longer accepts an answer for — answered already by the poller while the database
// was down (outage.ts), or simply too old — is no fault: it counts as answered, quietly, and
// words meant for its toast go to the chat.

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
    // Words meant for a toast that can no longer be shown (a late «payment unavailable») are not
    // lost: they go to the chat.
    const toChat = async (payload: unknown) => {
      const text = (payload as { text?: string }).text;
      if (text && ctx.chat) {
        await ctx.api.sendMessage(ctx.chat.id, text).catch((err) =>
          ctx.log.warn("Cannot send a late callback answer", { err })
        );
      }
      // deno-lint-ignore no-explicit-any -- a transformer may return any API response shape
      return { ok: true, result: true } as any;
    };
    ctx.api.config.use(async (prev, method, payload, signal) => {
      if (method !== "answerCallbackQuery") return await prev(method, payload, signal);
      // Telegram refuses a second answer; the one given stands.
      if (state.done) return await toChat(payload);
      state.done = true;
      const res = await prev(method, payload, signal);
      if (!res.ok && tooOld(res)) {
        ctx.log.debug("The button press was answered already or is too old to answer");
        return await toChat(payload);
      }
      return res;
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

/** Telegram's refusal of an answer to a press it no longer takes answers for. */
function tooOld(res: { error_code?: number; description?: string }): boolean {
  return res.error_code === 400 &&
    /query is too old|query id is invalid/i.test(res.description ?? "");
}
