// The per-update time limit's handler side. The worker (worker_handle.ts) hands each update over
// with an AbortSignal it aborts when it gives up on the update (UPDATE_TIMEOUT_SECONDS). Handlers
// see it as `ctx.signal` and pass it where they wait (the model's call and its stream), and every
// Bot API call of an abandoned run is refused or cut off, so a run the worker has let go of does
// not speak in the chat while the update's retry does.

import type { Bot, MiddlewareFn } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "./context.ts";

const signals = new WeakMap<Update, AbortSignal>();
/** The signal of an update handled without a limit (tests feeding bot.handleUpdate directly). */
const NEVER = new AbortController().signal;

/** bot.handleUpdate, with `signal` aborted when the caller gives up on the update. */
export function handleWithin(
  bot: Bot<BotContext>,
  update: Update,
  signal: AbortSignal,
): Promise<void> {
  signals.set(update, signal);
  return bot.handleUpdate(update);
}

/** Sets `ctx.signal`; once it is aborted, the update's Bot API calls fail with its reason. */
export const updateSignal: MiddlewareFn<BotContext> = async (ctx, next) => {
  const signal = signals.get(ctx.update) ?? NEVER;
  ctx.signal = signal;
  if (signal !== NEVER) {
    ctx.api.config.use((prev, method, payload, own) => {
      signal.throwIfAborted();
      // grammY types its signal with a polyfill's AbortSignal; at run time it is the platform's.
      const mine = own as unknown as AbortSignal | undefined;
      const both = mine ? AbortSignal.any([mine, signal]) : signal;
      return prev(method, payload, both as unknown as typeof own);
    });
  }
  await next();
};
