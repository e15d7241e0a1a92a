// One update the inbox worker took (worker.ts): handed to bot.handleUpdate, and its outcome
// recorded under the worker's lease — done; postponed, uncounted, while a service is down
// (serviceDown); retried after a backoff for any other error; parked at the `maxAttempts`-th
// failure, with one call of bot.errorHandler (one ERROR line, one apology) once it is parked. A
// handler still running after `timeoutMs` is given up on: that is a failure like any other, the
// chat is free for the retry, and the abandoned run's signal is aborted (time_limit.ts).

import { type Bot, BotError, Context } from "grammy";
import type { Update } from "grammy/types";
import type { Db } from "../db/db.ts";
import { describeError, type Logger } from "../log.ts";
import { sleep } from "../sleep.ts";
import { type Claimed, finishUpdate, type Outcome } from "../inbox/inbox.ts";
import { doneInBatches } from "../inbox/finisher.ts";
import type { BotContext } from "./context.ts";
import type { LimitVerdicts } from "./rate_limit.ts";
import { serviceDown } from "./bot.ts";
import { handleWithin } from "./time_limit.ts";

/** An update given up after too many failures: says how many in the log line. */
export class UpdateParked extends Error {
  override name = "UpdateParked";
  constructor(attempts: number, cause: unknown) {
    super(`parked after ${attempts} failed attempt(s)`, { cause });
  }
}

/** A handler that ran past the time limit; it was given up on. */
export class UpdateTimedOut extends Error {
  override name = "UpdateTimedOut";
  constructor(ms: number) {
    super(`not handled within the time limit (${ms / 1000} s); given up`);
  }
}

export interface HandlerDeps {
  db: Db;
  bot: Bot<BotContext>;
  log: Logger;
  workerId: string;
  maxAttempts: number;
  /** How long one update may be handled before it is given up on. */
  timeoutMs: number;
  /** The wait before the n-th retry. */
  backoff: (n: number) => number;
  /** The worker is stopping: recording an outcome is not retried for long. */
  signal: AbortSignal;
  /** A retry is due at `time` (ms since the epoch). */
  retryAt: (time: number) => void;
  /** The claim's spam-limit verdict goes to the bot's rateLimit middleware through this. */
  verdicts?: LimitVerdicts;
  /** Updates taken for the first time (see send_once.ts). */
  firstRuns?: WeakSet<object>;
}

const WAITING = "words beyond the spam limit, waiting for room in the window";

/** Logs the 1st, 2nd, 4th, 8th … failure in a row of one kind: enough to see, never a flood. */
export function logQuietly(log: Logger, n: number, msg: string, fields: Record<string, unknown>) {
  if ((n & (n - 1)) === 0) log.warn(`${msg} (${n}× in a row)`, fields);
  return n;
}

/** A grammY context for an update outside the middleware (its chat key, an apology). */
export function contextOf(bot: Bot<BotContext>, update: Update): BotContext {
  return new Context(update, bot.api, bot.isInited() ? bot.botInfo : undefined!) as BotContext;
}

export function createHandler(d: HandlerDeps): (row: Claimed) => Promise<void> {
  const { db, bot, log, workerId: id, maxAttempts, backoff } = d;
  /** Postponements in a row while services are down (all updates share them). */
  let down = 0;
  const contextFor = (update: Update) => contextOf(bot, update);
  const markDone = doneInBatches(db, id);

  /** Handles the update within the time limit; past it the run is abandoned and this throws. */
  const within = async (update: Update) => {
    const abandon = new AbortController();
    const handling = handleWithin(bot, update, abandon.signal);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) =>
      timer = setTimeout(() => reject(new UpdateTimedOut(d.timeoutMs)), d.timeoutMs)
    );
    try {
      await Promise.race([handling, late]);
    } catch (err) {
      if (err instanceof UpdateTimedOut) {
        abandon.abort(err);
        handling.catch((e) =>
          log.debug("An abandoned update's handler ended", { update_id: update.update_id, err: e })
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };

  /** Stores the outcome, retrying while the database is unavailable (the lease is kept). */
  const settle = async (row: Claimed, outcome: Outcome) => {
    for (let n = 1;; n++) {
      try {
        const held = outcome.status === "done"
          ? await markDone(row.updateId)
          : await finishUpdate(db, id, row.updateId, outcome);
        if (!held) {
          log.warn("An update's lease ran out before it was finished", {
            update_id: row.updateId,
          });
        }
        return held;
      } catch (err) {
        if (d.signal.aborted && n >= 3) {
          log.warn("Cannot record an update's outcome; it is handled again after the restart", {
            update_id: row.updateId,
            err,
          });
          return false;
        }
        log.warn("Cannot record an update's outcome; retrying", { update_id: row.updateId, err });
        await sleep(Math.min(500 * 2 ** n, 30_000), d.signal).catch(() => {});
      }
    }
  };

  return async (row: Claimed) => {
    const update = row.payload as Update;
    const fields = { update_id: row.updateId };
    if (row.attempts >= maxAttempts) {
      // Its workers kept dying while handling it: it is not run again.
      const cause = new Error(`its worker stopped ${row.attempts} time(s) while handling it`);
      const parked = {
        status: "parked",
        error: describeError(cause),
        countAttempt: false,
      } as const;
      if (await settle(row, parked)) {
        await bot.errorHandler(
          new BotError(new UpdateParked(row.attempts, cause), contextFor(update)),
        );
      }
      return;
    }
    let outcome: Outcome;
    let failure: BotError<BotContext> | undefined;
    const { verdict } = row;
    d.verdicts?.set(update, verdict);
    if (!row.retaken) d.firstRuns?.add(update);
    try {
      await within(update);
      // Words beyond the spam limit wait for room in the window: back to the inbox, uncounted.
      outcome = verdict.kind === "wait"
        ? { status: "retry", delayMs: verdict.roomInMs, error: WAITING, countAttempt: false }
        : { status: "done" };
      down = 0;
    } catch (err) {
      const cause = err instanceof BotError ? err.error : err;
      const error = describeError(cause);
      if (serviceDown(cause)) {
        const n = logQuietly(log, ++down, "Update postponed: a service is unavailable", {
          ...fields,
          err: cause,
        });
        outcome = { status: "retry", delayMs: backoff(n), error, countAttempt: false };
      } else if (row.attempts + 1 >= maxAttempts) {
        outcome = { status: "parked", error, countAttempt: true };
        const parked = new UpdateParked(row.attempts + 1, cause);
        failure = new BotError(parked, err instanceof BotError ? err.ctx : contextFor(update));
      } else {
        const delayMs = backoff(row.attempts + 1);
        log.warn("Update failed; it is tried again", {
          ...fields,
          attempt: row.attempts + 1,
          retry_in_ms: delayMs,
          err: cause,
        });
        outcome = { status: "retry", delayMs, error, countAttempt: true };
      }
    }
    if (outcome.status === "retry") d.retryAt(Date.now() + outcome.delayMs);
    // Parked first, then the apology: a crash in between costs the apology, never repeats it.
    if (await settle(row, outcome) && failure) await bot.errorHandler(failure);
  };
}
