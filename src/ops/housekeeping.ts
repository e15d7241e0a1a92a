// What a long-running process does besides its work, on timers: forgets updates the inbox
// handled or parked more than 2 days ago, expires payments nobody paid, writes the metrics' daily
// totals to the database, and, at start, marks answers a previous stop interrupted. Stopped (with
// a last flush) by disposing.
//
// Several processes may run it against one database (workers on several machines, the api): the
// pruning and the expiry take a lease for their period (src/db/leases.ts), so each runs once per
// period among them all, whoever's turn it is. The metrics flush needs none: each process adds
// only its own growth since its last flush.

import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Payments } from "../payments/service.ts";
import { createFlusher } from "../metrics/flush.ts";
import { pruneInbox } from "../inbox/inbox.ts";
import { newWorkerId } from "../inbox/identity.ts";
import { pruneLeases, takeLease } from "../db/leases.ts";
import { failInterrupted } from "../chat/history.ts";

const EVERY_MS = {
  prune: 6 * 60 * 60 * 1000,
  expire: 5 * 60 * 1000,
  flush: 60 * 1000,
};

export interface HousekeepingDeps {
  db: Db;
  log: Logger;
  metrics: Metrics;
  /** Only the processes that handle updates prune them, expire payments and recover answers. */
  payments?: Payments;
  /**
   * Marks answers a previous stop interrupted (default yes): only where no other process may be
   * answering now — `soulbot bot` alone, never a worker beside others.
   */
  recoverAnswers?: boolean;
  /** This process, as the holder of a job's lease ("host:pid:random" by default). */
  owner?: string;
  /** The jobs' periods (tests: shorter). */
  everyMs?: Partial<typeof EVERY_MS>;
}

export async function startHousekeeping(d: HousekeepingDeps): Promise<AsyncDisposable> {
  const { db, log } = d;
  const every = { ...EVERY_MS, ...d.everyMs };
  const owner = d.owner ?? newWorkerId();
  const flush = createFlusher(db, d.metrics, { log });
  const timers = [setInterval(() => flush.flush(), every.flush)];
  /** Runs `job` when no process ran it within (nearly) its period; a failure is a warning. */
  const once =
    (name: string, ms: number, what: string, job: () => Promise<unknown>) => async () => {
      try {
        // A little under the period, so the owner's own next tick finds the lease free.
        if (!await takeLease(db, `housekeeping:${name}`, owner, ms * 0.9)) return;
        await job();
      } catch (err) {
        log.warn(`Cannot ${what}`, { err });
      }
    };
  const payments = d.payments;
  if (payments) {
    const prune = once("prune", every.prune, "prune the inbox", async () => {
      await pruneInbox(db);
      await pruneLeases(db);
    });
    const expire = once(
      "expire",
      every.expire,
      "expire unpaid payments",
      () => payments.expire(new Date()),
    );
    await prune();
    await expire();
    if (d.recoverAnswers ?? true) {
      const interrupted = await failInterrupted(db);
      if (interrupted) log.warn(`${interrupted} answer(s) were interrupted by the last stop`);
    }
    timers.push(setInterval(prune, every.prune), setInterval(expire, every.expire));
  }
  return {
    async [Symbol.asyncDispose]() {
      for (const timer of timers) clearInterval(timer);
      await flush.flush();
    },
  };
}
