// Incoming spam, per user, in memory: at most LIMIT button presses and commands, and apart from
// them at most LIMIT messages of the person's own words, in each WINDOW_MS. The two are counted
// separately, so a burst of taps never uses up what a person may write.
//
// - A button press beyond the limit is answered at once — a short toast (SLOW_TAP) the first
//   time in a window, silently after — and dropped: no spinner is left turning.
// - A command, a sticker or a photo without a caption beyond the limit is dropped, and the user
//   is told once per window, politely (SLOW_DOWN).
// - Words are never dropped: a typed text, a voice or video note, audio or a captioned photo
//   beyond the limit is kept (in memory) and handled, in the order written, as soon as a later
//   window has room (LIMIT per window); the user is told once that we will go on. Only a flood
//   no person could type — more than MAX_HELD messages waiting at once — is dropped.
//
// Updates other than messages and button presses (my_chat_member, ...) are not limited.

import type { Context, MiddlewareFn } from "grammy";
import { sleep } from "../sleep.ts";

export const LIMIT = 15;
export const WINDOW_MS = 10_000;
/** Messages of one user waiting for a window at most; beyond this a flood is dropped. */
export const MAX_HELD = 50;
export const SLOW_DOWN = "Вы пишете очень быстро — я не успеваю. Подождите несколько секунд, " +
  "и я продолжу 🙂";
export const SLOW_TAP = "Слишком быстро — подождите пару секунд.";

export interface RateLimitOptions {
  /** Button presses and commands per window, and words per window (each). */
  limit?: number;
  windowMs?: number;
  /** Messages of words one user may have waiting at once. */
  maxHeld?: number;
}

interface UserState {
  /** When the current window started (ms). */
  start: number;
  words: number;
  other: number;
  /** When the user was last told to slow down in the chat, and last shown the toast. */
  toldAt: number;
  toastAt: number;
  /** Messages of words waiting for room, and the end of their queue. */
  held: number;
  queue: Promise<void>;
}

/** A message with the person's own words (not a command, not a bare sticker or photo). */
export function isWords(ctx: Context): boolean {
  const m = ctx.message;
  if (!m) return false;
  if (m.text !== undefined) return !m.text.startsWith("/");
  return m.voice !== undefined || m.video_note !== undefined || m.audio !== undefined ||
    m.caption !== undefined;
}

export function rateLimit<C extends Context>(opts: RateLimitOptions = {}): MiddlewareFn<C> {
  const limit = opts.limit ?? LIMIT;
  const windowMs = opts.windowMs ?? WINDOW_MS;
  const maxHeld = opts.maxHeld ?? MAX_HELD;
  const users = new Map<number, UserState>();

  const roll = (s: UserState, now: number) => {
    if (now - s.start < windowMs) return;
    s.start = now;
    s.words = 0;
    s.other = 0;
  };
  const stateOf = (id: number, now: number): UserState => {
    let s = users.get(id);
    if (!s) {
      if (users.size >= 10_000) {
        for (const [key, old] of users) {
          if (old.held === 0 && now - old.start >= windowMs) users.delete(key);
        }
      }
      s = {
        start: now,
        words: 0,
        other: 0,
        toldAt: -Infinity,
        toastAt: -Infinity,
        held: 0,
        queue: Promise.resolve(),
      };
      users.set(id, s);
    }
    roll(s, now);
    return s;
  };
  const tell = async (ctx: C, s: UserState, now: number) => {
    if (s.toldAt > now - windowMs) return;
    s.toldAt = now;
    await ctx.reply(SLOW_DOWN).catch(() => {});
  };
  /** Waits until a window has room for one more message of words, and takes it. */
  const room = async (s: UserState) => {
    for (;;) {
      const now = Date.now();
      roll(s, now);
      if (s.words < limit) return void s.words++;
      await sleep(s.start + windowMs - now);
    }
  };

  return async (ctx, next) => {
    const id = ctx.from?.id;
    if (id === undefined || (!ctx.message && !ctx.callbackQuery)) return await next();
    const now = Date.now();
    const s = stateOf(id, now);
    if (isWords(ctx)) {
      if (s.held === 0 && s.words < limit) {
        s.words++;
        return await next();
      }
      await tell(ctx, s, now);
      if (s.held >= maxHeld) return;
      s.held++;
      const turn = s.queue.then(() => room(s));
      s.queue = turn;
      try {
        await turn;
      } finally {
        s.held--;
      }
      return await next();
    }
    if (s.other < limit) {
      s.other++;
      return await next();
    }
    if (ctx.callbackQuery) {
      const toast = s.toastAt <= now - windowMs;
      if (toast) s.toastAt = now;
      await ctx.answerCallbackQuery(toast ? { text: SLOW_TAP } : undefined).catch(() => {});
      return;
    }
    await tell(ctx, s, now);
  };
}
