// Long polling with @grammyjs/runner: authorise (getMe, retried while Telegram is unreachable),
// register commands, poll until asked to stop, then finish updates in flight within a bound.
// A second instance polling with the same token (409 Conflict) ends polling with a clear error.

import { type Bot, GrammyError, HttpError } from "grammy";
import { run } from "@grammyjs/runner";
import { describeError, type Logger } from "../log.ts";
import type { BotContext } from "./context.ts";
import type { InFlight } from "./update_log.ts";
import { sleep } from "../sleep.ts";
import { BOT_COMMANDS } from "./commands.ts";

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
export async function poll(bot: Bot<BotContext>, inFlight: InFlight, opts: PollingOptions) {
  const { log } = opts;
  let failures = 0;
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      if (method === "getUpdates") failures = 0;
      return res;
    } catch (err) {
      // Log the 1st, 2nd, 4th, 8th ... consecutive failure: enough to see, never a flood.
      if (method === "getUpdates" && !signal?.aborted && (++failures & (failures - 1)) === 0) {
        log.warn(`Telegram getUpdates failed ${failures}×: ${describeError(err)}; retrying`);
      }
      throw err;
    }
  });
  try {
    await bot.api.deleteWebhook();
  } catch (err) {
    log.warn("Cannot remove a webhook before polling", { err });
  }
  const handle = run(bot, {
    runner: { silent: true, retryInterval: "quadratic", fetch: { timeout: 30 } },
  });
  log.info(`✅ Bot authorised as @${bot.botInfo.username} and polling`);
  opts.onPolling?.();
  const stopped = handle.task()!.then(() => "stopped" as const);
  const outcome = await Promise.race([stopped, opts.shutdown]).catch((err: unknown) => err);
  if (outcome === "stopped" || !(typeof outcome === "string")) {
    if (handle.isRunning()) await handle.stop().catch(() => {});
    throw explainPollingError(outcome);
  }
  log.info(`Stopping (${outcome}): finishing ${inFlight.size} update(s) in flight`);
  await handle.stop().catch(() => {});
  const drained = await inFlight.drain(opts.drainMs ?? 10_000);
  if (!drained) log.warn(`Gave up waiting for ${inFlight.size} update(s) after the time limit`);
  log.info("Polling stopped");
}

function explainPollingError(err: unknown): Error {
  if (err === "stopped") return new Error("Polling stopped unexpectedly");
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
