// Long polling into the durable inbox: authorise (getMe, retried while Telegram is unreachable),
// register commands, then fetch updates with getUpdates, store each batch in the inbox and only
// then ask for the next offset — which is what confirms the batch to Telegram, so a crash at any
// moment loses nothing (an unconfirmed batch is delivered again and the inbox ignores what it
// has); while a batch cannot be stored, its button presses and chats are told so (outage.ts). The
// inbox's worker handles the updates (worker.ts) — in this process, or, receiving only
// (`work: false`), in `soulbot worker` processes. At a stop the long poll is cut short and
// updates in hand get a bounded time to finish; a second instance polling with the same token,
// or a webhook set for it (409 Conflict either way), ends polling with a clear error. A webhook is
// never removed here: going back to polling is `soulbot webhook delete`, deliberately.

import { type Bot, GrammyError, HttpError } from "grammy";
import { describeError, type Logger } from "../log.ts";
import type { BotContext } from "./context.ts";
import type { Worker } from "./worker.ts";
import { AbortedError, sleep } from "../sleep.ts";
import { BOT_COMMANDS } from "./commands.ts";
import { type OutageNotices, STORE_SLOW_MS } from "./outage.ts";

export interface PollingOptions {
  log: Logger;
  /** Resolves with the signal name when the process should stop. */
  shutdown: Promise<string>;
  /** How long to wait for updates in flight at shutdown. */
  drainMs?: number;
  /** How long to keep trying to reach Telegram at start-up. */
  initDeadlineMs?: number;
  /** Called once polling has started (the fourth start-up line is logged just before). */
  onPolling?: () => void;
  /** Whether this process's worker handles what is stored (default yes; no: receive only). */
  work?: boolean;
  /** Who is told what while updates cannot be stored (outage.ts); nobody without it. */
  outage?: OutageNotices;
}

export async function authorise(
  bot: Bot<BotContext>,
  log: Logger,
  opts: { deadlineMs?: number; signal?: AbortSignal } = {},
) {
  const deadlineMs = opts.deadlineMs ?? 60_000;
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 1, delay = 1000;; attempt++, delay = Math.min(delay * 2, 10_000)) {
    try {
      // getMe directly rather than bot.init(), which retries network errors silently forever.
      bot.botInfo = await bot.api.getMe();
      return bot.botInfo;
    } catch (err) {
      if (err instanceof GrammyError && err.error_code === 401) {
        throw new Error(
          "Telegram rejected BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather",
        );
      }
      if (Date.now() + delay > deadline) {
        throw new Error("Cannot reach Telegram", { cause: err });
      }
      log.warn(`Telegram not reachable (attempt ${attempt}): ${describeError(err)}; retrying`);
      await sleep(delay, opts.signal);
    }
  }
}

export async function registerCommands(bot: Bot<BotContext>, log: Logger): Promise<void> {
  try {
    await bot.api.setMyCommands(BOT_COMMANDS);
  } catch (err) {
    log.warn("Cannot register bot commands; the bot works without them", { err });
  }
}

/** Polls until shutdown; resolves when stopped cleanly, rejects on an unrecoverable error. */
export async function poll(bot: Bot<BotContext>, worker: Worker, opts: PollingOptions) {
  const { log } = opts;
  const drainMs = opts.drainMs ?? 10_000;
  const work = opts.work ?? true;
  const stop = new AbortController();
  let signal = "";
  opts.shutdown.then((sig) => {
    signal = sig;
    stop.abort();
  });
  if (work) worker.start();
  log.info(
    `✅ Bot authorised as @${bot.botInfo.username} and polling` +
      (work ? "" : " (receiving only: `soulbot worker` processes answer)"),
  );
  opts.onPolling?.();
  try {
    await fetchIntoInbox(bot, worker, log, stop.signal, opts.outage);
  } catch (err) {
    await worker.stop(drainMs);
    throw explainPollingError(err);
  }
  log.info(`Stopping (${signal}): finishing ${worker.size} update(s) in flight`);
  const drained = await worker.stop(drainMs);
  if (!drained) log.warn("Gave up waiting for updates in flight; they are handled after a restart");
  log.info("Polling stopped");
}

/** Fetches, stores, confirms — until `signal`; throws on 401 and 409 (nothing to retry). */
async function fetchIntoInbox(
  bot: Bot<BotContext>,
  worker: Worker,
  log: Logger,
  signal: AbortSignal,
  outage: OutageNotices | undefined,
): Promise<void> {
  let offset: number | undefined;
  let fetchFailures = 0;
  let storeFailures = 0;
  // Log the 1st, 2nd, 4th, 8th ... consecutive failure: enough to see, never a flood.
  const often = (n: number) => (n & (n - 1)) === 0;
  const pause = (n: number) => sleep(Math.min(500 * n * n, 15_000), signal);
  while (!signal.aborted) {
    let updates;
    try {
      // The offset confirms every update below it: only ever ones already in the inbox.
      updates = await bot.api.getUpdates({ offset, timeout: 30, limit: 100 }, signal as ApiSignal);
      fetchFailures = 0;
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof GrammyError && (err.error_code === 409 || err.error_code === 401)) {
        throw err;
      }
      if (often(++fetchFailures)) {
        log.warn(`Telegram getUpdates failed ${fetchFailures}×: ${describeError(err)}; retrying`);
      }
      if (!await pause(fetchFailures).then(() => true, stopped)) return;
      continue;
    }
    if (updates.length === 0) continue;
    const slow = outage && setTimeout(() => void outage.slow(updates), STORE_SLOW_MS);
    try {
      await worker.enqueue(updates);
      outage?.stored(updates);
      storeFailures = 0;
    } catch (err) {
      // Not stored, so not confirmed: Telegram sends them again with the next getUpdates.
      if (often(++storeFailures)) {
        log.warn(`Cannot store ${updates.length} incoming update(s) ${storeFailures}×; retrying`, {
          err,
        });
      }
      await outage?.failed(updates);
      if (!await pause(storeFailures).then(() => true, stopped)) return;
      continue;
    } finally {
      clearTimeout(slow);
    }
    offset = updates[updates.length - 1]!.update_id + 1;
  }
}

/** grammY types its signal parameter with a polyfill's AbortSignal; the runtime's is the same. */
type ApiSignal = Parameters<Bot<BotContext>["api"]["getUpdates"]>[1];

function stopped(err: unknown): false {
  if (err instanceof AbortedError) return false;
  throw err;
}

function explainPollingError(err: unknown): Error {
  if (err instanceof GrammyError && err.error_code === 409 && /webhook/i.test(err.description)) {
    return new Error(
      "A webhook is set for this BOT_TOKEN, so Telegram sends updates there and refuses long " +
        "polling (409 Conflict). Run `soulbot worker` beside the webhook receiver instead, or " +
        "remove the webhook with `soulbot webhook delete` to go back to polling.",
    );
  }
  if (err instanceof GrammyError && err.error_code === 409) {
    return new Error(
      "Another process is already receiving updates for this BOT_TOKEN (Telegram 409 Conflict). " +
        "Stop the other instance, or give this one its own bot token (ENV=test uses the test bot).",
    );
  }
  if (err instanceof GrammyError && err.error_code === 401) {
    return new Error("Telegram rejected BOT_TOKEN (401 Unauthorized)");
  }
  if (err instanceof HttpError) return new Error("Cannot reach Telegram", { cause: err });
  return new Error("Polling failed", { cause: err });
}
