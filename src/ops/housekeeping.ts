// What a long-running process does besides its work, on timers: forgets updates the inbox
// handled or parked more than 2 days ago, expires payments nobody paid, writes the metrics' daily totals to the database, and, at
// start, marks answers a previous stop interrupted. Stopped (with a last flush) by disposing.

import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Payments } from "../payments/service.ts";
import { createFlusher } from "../metrics/flush.ts";
import { pruneInbox } from "../inbox/inbox.ts";
import { failInterrupted } from "../chat/history.ts";

const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;
const EXPIRE_EVERY_MS = 5 * 60 * 1000;
const FLUSH_METRICS_EVERY_MS = 60 * 1000;

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
}

export async function startHousekeeping(d: HousekeepingDeps): Promise<AsyncDisposable> {
  const { db, log } = d;
  const flush = createFlusher(db, d.metrics, { log });
  const timers = [setInterval(() => flush.flush(), FLUSH_METRICS_EVERY_MS)];
  const payments = d.payments;
  if (payments) {
    const prune = () => pruneInbox(db).catch((err) => log.warn("Cannot prune the inbox", { err }));
    const expire = () =>
      payments.expire(new Date()).catch((err) =>
        log.warn("Cannot expire unpaid payments", { err })
      );
    await prune();
    if (d.recoverAnswers ?? true) {
      const interrupted = await failInterrupted(db);
      if (interrupted) log.warn(`${interrupted} answer(s) were interrupted by the last stop`);
    }
    timers.push(setInterval(prune, PRUNE_EVERY_MS), setInterval(expire, EXPIRE_EVERY_MS));
  }
  return {
    async [Symbol.asyncDispose]() {
      for (const timer of timers) clearInterval(timer);
      await flush.flush();
    },
  };
}
