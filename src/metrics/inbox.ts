// The inbox's depth as gauges, read from the database when the metrics are scraped: updates
// pending, in hand and parked, and how long the oldest pending one has waited. Shared by every
// process on the database, so any one of them shows the whole queue (a scrape of several shows
// the same figures: take the max, not the sum).

import { Gauge } from "prom-client";
import type { Queryable } from "../db/db.ts";
import type { Metrics } from "./metrics.ts";

interface Depth {
  pending: number;
  working: number;
  parked: number;
  oldest: number;
}

/** Registers the inbox gauges on `metrics` (once per registry: a process's own). */
export function watchInbox(metrics: Metrics, db: Queryable): void {
  const registers = [metrics.registry];
  // prom-client calls both gauges' collect in one synchronous pass: one query serves a scrape.
  let reading: Promise<Depth | undefined> | undefined;
  const depth = () =>
    reading ??= db.query<Depth>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
         count(*) FILTER (WHERE status = 'working')::int AS working,
         count(*) FILTER (WHERE status = 'parked')::int AS parked,
         coalesce(extract(epoch FROM now() - min(received_at)
           FILTER (WHERE status = 'pending')), 0)::float8 AS oldest
       FROM inbox WHERE status <> 'done'`,
    ).then(([row]) => row)
      // The database is unreachable: the last figures stand; /health says what is wrong.
      .catch(() => undefined)
      .finally(() => reading = undefined);
  new Gauge({
    name: "soulnear_inbox_updates",
    help: "Updates in the inbox by status: pending, working (in a worker's hand), parked",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      const row = await depth();
      if (!row) return;
      for (const status of ["pending", "working", "parked"] as const) {
        this.set({ status }, row[status]);
      }
    },
  });
  new Gauge({
    name: "soulnear_inbox_oldest_pending_seconds",
    help: "How long the oldest pending update has waited in the inbox (0: none pending)",
    registers,
    async collect() {
      const row = await depth();
      if (row) this.set(Math.max(0, row.oldest));
    },
  });
}
