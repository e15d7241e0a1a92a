// The inbox's worker: takes due updates from the inbox (src/inbox/inbox.ts) — per chat the oldest
// open one, at most `concurrency` chats at once — under a lease a heartbeat renews, hands each to
// bot.handleUpdate and records the outcome:
//
//   - handled               → done (payload and chat cleared; the id stays 2 days against
//                             redelivery);
//   - a service is down     → pending again after a backoff that grows while services stay down,
//     (serviceDown)           not counted: the update is answered once the service is back;
//   - any other error       → pending again after a backoff, counted; the `maxAttempts`-th failure
//     (or running past        parks it: one ERROR line and one apology, through bot.errorHandler.
//     `timeoutMs`)            A run past the limit is abandoned (its lease no longer renewed, its
//                             signal aborted) and the chat is free for the retry.
//
// A worker that died leaves its updates `working`; when their lease runs out the next claim takes
// them again (counted, so an update that kills its worker every time ends parked too). Once a
// minute, before claiming, updates waiting longer than `maxAgeMs` (a day) are set aside
// (expiry.ts). `recover` ends at once the leases of holders on this host that no longer run. The
// poller wakes the worker when it stores updates, and every insert into the inbox, by any process,
// wakes every started worker that listens (LISTEN/NOTIFY) — except the notification of an insert
// the worker's own `enqueue` made, which woke it already (echoes.ts); a slow idle poll is the
// safety net.
// Tests use `drain`: handle until nothing is due, no timers left behind. Handling one update and
// recording its outcome is worker_handle.ts.

import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import { sleep } from "../sleep.ts";
import {
  addToInbox,
  type Claimed,
  claimUpdates,
  expireLeases,
  INBOX_CHANNEL,
  releaseUpdates,
  renewLeases,
  type SpamLimit,
  workersHolding,
} from "../inbox/inbox.ts";
import { deadWorkers, newWorkerId } from "../inbox/identity.ts";
import { inboxItem } from "../inbox/incoming.ts";
import type { BotContext } from "./context.ts";
import { createAlarm } from "./alarm.ts";
import { createEchoes } from "./echoes.ts";
import { createExpiry, MAX_AGE_MS } from "./expiry.ts";
import type { LimitVerdicts } from "./rate_limit.ts";
import type { Tally } from "../stats/tally.ts";
import { createHandler, logQuietly } from "./worker_handle.ts";

export interface WorkerOptions {
  db: Db;
  bot: Bot<BotContext>;
  log: Logger;
  /** Stored with every update it takes ("host:pid:random" by default). */
  id?: string;
  /**
   * Chats handled at once (default DEFAULT_CONCURRENCY). Most of a busy moment's chats wait for
   * the model, holding no database connection: a thousand answers can be on their way together
   * while taps of other chats still go through at once.
   */
  concurrency?: number;
  /** How long a taken update stays this worker's without a heartbeat (default 30 s). */
  leaseMs?: number;
  /** How often the leases are renewed (default a third of the lease). */
  heartbeatMs?: number;
  /** How often an idle worker looks for due updates nobody woke it for (default 5 s). */
  idlePollMs?: number;
  /** Failures of ours before an update is parked (default 3). */
  maxAttempts?: number;
  /** How long one update may be handled before it is given up on, as a failure (default 300 s). */
  timeoutMs?: number;
  /** How long an update may wait to be handled before it is set aside (default 24 h, expiry.ts). */
  maxAgeMs?: number;
  /** How often the worker looks for updates waiting too long (default a minute). */
  expireEveryMs?: number;
  /** Told to a chat whose message was set aside for its age; nothing without it. */
  expiredNotice?: string;
  /** First retry delay, doubled each time up to `retryMaxMs` (defaults 2 s and 60 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** The spam limit the claim judges by (default SPAM_LIMIT). */
  spamLimit?: SpamLimit;
  /** Where the claim's spam-limit verdicts are handed to the bot's rateLimit middleware. */
  verdicts?: LimitVerdicts;
  /** Updates taken for the first time are added here (the bot's sendOnce reads nothing for them). */
  firstRuns?: WeakSet<object>;
  /** The day's counts the handlers keep: flushed while the worker runs, at its stop and drain. */
  tally?: Tally;
}

export interface Worker {
  readonly id: string;
  /** Updates being handled now. */
  readonly size: number;
  /** Stores updates (a redelivered one is ignored) and wakes the worker; returns how many new. */
  enqueue(updates: readonly Update[]): Promise<number>;
  /** Ends the leases of dead holders on this host (a previous process): due at once. */
  recover(): Promise<number>;
  /** Handles updates in the background until `stop`. */
  start(): void;
  /** After `start`: true once the worker listens for new updates (false: the idle poll only). */
  readonly listening: Promise<boolean>;
  /**
   * Takes no more updates and waits up to `drainMs` for those in hand; what is left is put back
   * for the next start. True if everything in hand finished.
   */
  stop(drainMs: number): Promise<boolean>;
  /** Handles until nothing is due and nothing is running (tests; no timers remain). */
  drain(): Promise<void>;
}

export const DEFAULT_CONCURRENCY = 1_000;
/** How long a stop waits for each last write (the day's counts, the updates put back). */
const LAST_WRITES_MS = 3_000;

/** True if `p` settled within `ms`. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((r) => timer = setTimeout(() => r(false), ms));
  try {
    return await Promise.race([p.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createWorker(o: WorkerOptions): Worker {
  const { db, bot, log } = o;
  const id = o.id ?? newWorkerId();
  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  const leaseMs = o.leaseMs ?? 30_000;
  const heartbeatMs = o.heartbeatMs ?? leaseMs / 3;
  const idlePollMs = o.idlePollMs ?? 5_000;
  const maxAttempts = o.maxAttempts ?? 3;
  const timeoutMs = o.timeoutMs ?? 300_000;
  const retryBaseMs = o.retryBaseMs ?? 2_000;
  const retryMaxMs = o.retryMaxMs ?? 60_000;
  const expire = createExpiry({
    db,
    api: bot.api,
    log,
    maxAgeMs: o.maxAgeMs ?? MAX_AGE_MS,
    notice: o.expiredNotice,
  });
  const expireEveryMs = o.expireEveryMs ?? 60_000;
  let expireAt = 0;
  const backoff = (n: number) => Math.min(retryBaseMs * 2 ** Math.max(0, n - 1), retryMaxMs);

  const running = new Map<number, Promise<void>>();
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;
  let unlisten: Promise<(() => Promise<void>) | undefined> | undefined;
  /** Whether notifications reach this worker now; only then do its own inserts come back. */
  let listens = false;
  const echoes = createEchoes();
  let draining: Promise<void> | undefined;
  const alarm = createAlarm();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  /** Consecutive failures of one kind, for backoff and for logging only the 1st, 2nd, 4th … */
  const streak = { claim: 0, heartbeat: 0 };
  const quietly = (kind: keyof typeof streak, msg: string, fields: Record<string, unknown>) =>
    logQuietly(log, ++streak[kind], msg, fields);

  const wake = () => alarm.wake();
  /** New updates were stored (here or, heard through NOTIFY, elsewhere): counted, then a look. */
  let arrivals = 0;
  const arrive = () => {
    arrivals++;
    wake();
  };
  /** The last round filled every free slot: more may be waiting for one. */
  let saturated = false;
  const nap = (ms: number) => stopping.signal.aborted ? Promise.resolve() : alarm.nap(ms);

  const beat = async () => {
    try {
      const held = await renewLeases(db, id, leaseMs);
      streak.heartbeat = 0;
      if (held < running.size) {
        log.warn("Lost the lease of an update in hand; another worker may handle it again", {
          held,
          running: running.size,
        });
      }
    } catch (err) {
      quietly("heartbeat", "Cannot renew the leases of updates in hand", { err });
    }
  };

  const handle = createHandler({
    db,
    bot,
    log,
    workerId: id,
    maxAttempts,
    timeoutMs,
    backoff,
    signal: stopping.signal,
    retryAt: (time) => alarm.at(time),
    verdicts: o.verdicts,
    firstRuns: o.firstRuns,
  });

  /**
   * A finished update frees its chat and a slot. Another claim is worth its round trip only when
   * something may wait behind it: the chat had more open updates, updates arrived since the claim
   * that took it began (one of them may be this chat's), or every slot was full.
   */
  const launch = (row: Claimed, arrivalsBefore: number) => {
    const task = handle(row)
      .catch((err) =>
        log.error("The inbox worker failed on an update", { update_id: row.updateId, err })
      )
      .finally(() => {
        running.delete(row.updateId);
        if (running.size === 0 && heartbeat !== undefined) {
          clearInterval(heartbeat);
          heartbeat = undefined;
        }
        // (A drain, in tests, looks after every update: it waits for nothing else.)
        if (row.more || arrivals !== arrivalsBefore || saturated || draining) wake();
      });
    running.set(row.updateId, task);
    heartbeat ??= setInterval(beat, heartbeatMs);
  };

  /** One round: takes what is due into the free slots; true if it filled them all. */
  const round = async (): Promise<boolean> => {
    const free = concurrency - running.size;
    if (free <= 0) return false;
    let claimed: Claimed[];
    const arrivalsBefore = arrivals;
    try {
      if (Date.now() >= expireAt) {
        await expire();
        expireAt = Date.now() + expireEveryMs;
      }
      claimed = await claimUpdates(db, id, free, leaseMs, o.spamLimit);
      streak.claim = 0;
    } catch (err) {
      const n = quietly("claim", "Cannot take updates from the inbox", { err });
      await sleep(backoff(n), stopping.signal).catch(() => {});
      return false;
    }
    for (const row of claimed) launch(row, arrivalsBefore);
    saturated = claimed.length === free;
    return saturated;
  };

  const run = async () => {
    while (!stopping.signal.aborted) {
      alarm.reset();
      if (await round()) continue;
      await nap(idlePollMs);
    }
  };

  const untilIdle = async () => {
    for (let dueButBlocked = false;;) {
      alarm.reset();
      if (await round()) continue;
      if (running.size > 0) {
        dueButBlocked = false;
        await nap(Infinity);
        continue;
      }
      // The next due among each chat's first open update (a later one waits behind it anyway).
      const [next] = await db.query<{ ms: number | null }>(
        `SELECT (extract(epoch FROM min(i.not_before) - now()) * 1000)::float8 AS ms
         FROM inbox i WHERE i.status = 'pending' AND NOT EXISTS (
           SELECT 1 FROM inbox e WHERE e.chat_key = i.chat_key AND e.update_id < i.update_id
             AND e.status IN ('pending', 'working'))`,
      );
      const ms = next?.ms ?? null;
      if (alarm.woken) continue;
      if (ms === null || (ms <= 0 && dueButBlocked)) {
        // Nothing pending, or what is pending waits behind an update another worker holds.
        draining = undefined;
        await o.tally?.flush();
        return;
      }
      // Due already (it became due since the claim): one more round tells.
      dueButBlocked = ms <= 0;
      if (ms > 0) await nap(ms);
    }
  };

  return {
    id,
    get size() {
      return running.size;
    },
    get listening() {
      return (unlisten ?? Promise.resolve(undefined)).then((stop) => stop !== undefined);
    },
    async enqueue(updates) {
      const echo = listens ? echoes.expect() : undefined;
      let added: number;
      try {
        added = await addToInbox(db, updates.map(inboxItem));
      } catch (err) {
        // An attempt may have stored them before the failure (its notification taken for an
        // echo, or lost): look.
        if (echo !== undefined) echoes.forget(echo);
        arrive();
        throw err;
      }
      if (added < updates.length) {
        log.info(`Skipped ${updates.length - added} redelivered update(s)`);
      }
      if (added > 0) arrive();
      return added;
    },
    async recover() {
      const dead = deadWorkers(await workersHolding(db), id);
      const n = await expireLeases(db, dead);
      if (n > 0) log.warn(`${n} update(s) left unfinished by a stopped process are handled again`);
      return n;
    },
    start() {
      if (loop) return;
      const heard = () => {
        if (!echoes.isEcho()) arrive();
      };
      unlisten = db.listen(INBOX_CHANNEL, heard).then((stop) => {
        listens = true;
        return async () => {
          listens = false;
          await stop();
        };
      }, (err) => {
        log.warn("Cannot listen for new updates; the idle poll finds them", { err });
        return undefined;
      });
      loop = run();
      o.tally?.start();
    },
    async stop(drainMs) {
      stopping.abort();
      wake();
      // Everything here is bounded: with the database down, the loop's claim, the unlisten and
      // the last writes would each wait out their retries, and a stop must not.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<false>((r) => timer = setTimeout(() => r(false), drainMs));
      const looped = await Promise.race([(loop ?? Promise.resolve()).then(() => true), late]);
      const unlistened = (async () => await (await unlisten)?.())().catch(() => {});
      await Promise.race([unlistened, late]);
      const all = Promise.allSettled([...running.values()]).then(() => true);
      const drained = looped && await Promise.race([all, late]);
      clearTimeout(timer);
      clearInterval(heartbeat);
      if (o.tally && !await within(o.tally.stop(), LAST_WRITES_MS)) {
        log.warn("Gave up writing the day's last counts at the stop; they are lost");
      }
      if (!drained) {
        const released = releaseUpdates(db, id).then(
          () => {},
          (err) => log.warn("Cannot put back the updates in hand; their lease decides", { err }),
        );
        if (!await within(released, LAST_WRITES_MS)) {
          log.warn("Gave up putting back the updates in hand; their lease decides");
        }
      }
      return drained;
    },
    drain() {
      wake();
      return draining ??= untilIdle().catch((err) => {
        draining = undefined;
        throw err;
      });
    },
  };
}
