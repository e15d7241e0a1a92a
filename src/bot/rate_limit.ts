// Incoming spam, per chat: at most LIMIT button presses and commands, and apart from them at most
// LIMIT messages of the person's own words, in any WINDOW_MS. The two are counted separately, so
// a burst of taps never uses up what a person may write. The count lives in the inbox: the
// worker's claim judges each update against the chat's updates any worker let through
// (claimUpdates in src/inbox/inbox.ts), so the limit holds however many workers run; this
// middleware acts on the verdict the worker hands over with the update (`verdicts`).
//
// - A button press beyond the limit is answered at once — a short toast (SLOW_TAP) the first
//   time in a window, silently after — and dropped: no spinner is left turning.
// - A command, a sticker or a photo without a caption beyond the limit is dropped, and the user
//   is told once per window, politely (SLOW_DOWN).
// - Words are never dropped: a typed text, a voice or video note, audio or a captioned photo
//   beyond the limit waits in the inbox (the worker puts it back until the window has room) and
//   is handled in the order written; the user is told once that we will go on. Only a flood no
//   person could type — more than MAX_HELD messages waiting at once — is dropped, the oldest
//   waiting first.
//
// Updates other than messages and button presses (my_chat_member, ...), and any update handed to
// the bot without a verdict, are not limited.

import type { Context, MiddlewareFn } from "grammy";
import { SPAM_LIMIT, type Verdict } from "../inbox/inbox.ts";

export const LIMIT = SPAM_LIMIT.limit;
export const WINDOW_MS = SPAM_LIMIT.windowMs;
/** Messages of one chat waiting for a window at most; beyond this a flood is dropped. */
export const MAX_HELD = SPAM_LIMIT.maxHeld;
export const SLOW_DOWN = "Вы пишете очень быстро — я не успеваю. Подождите несколько секунд, " +
  "и я продолжу 🙂";
export const SLOW_TAP = "Слишком быстро — подождите пару секунд.";

/** The verdicts the worker hands over, by the update object it passes to handleUpdate. */
export type LimitVerdicts = WeakMap<object, Verdict>;

export function rateLimit<C extends Context>(verdicts: LimitVerdicts): MiddlewareFn<C> {
  return async (ctx, next) => {
    const verdict = verdicts.get(ctx.update);
    if (!verdict || verdict.kind === "ok") return await next();
    if (ctx.callbackQuery) {
      const toast = verdict.notify ? { text: SLOW_TAP } : undefined;
      await ctx.answerCallbackQuery(toast).catch(() => {});
      return;
    }
    if (verdict.notify) await ctx.reply(SLOW_DOWN).catch(() => {});
  };
}
