// Keeps the day's technical figures in the database: every minute (and at a stop) each counter
// and histogram series of the process's own metrics (soulnear_*) adds what it grew since the last
// flush to metric_day. A failed flush changes nothing and its growth goes with the next one.

import type { Queryable } from "../db/db.ts";
import type { Logger } from "../log.ts";
import { statDate } from "../stats/daily.ts";
import type { Metrics } from "./metrics.ts";

export interface Flusher {
  /** Writes the growth since the last successful flush; resolves false when it could not. */
  flush(): Promise<boolean>;
}

interface Row {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Current values of the process's own counters and histogram series. */
async function series(metrics: Metrics): Promise<Row[]> {
  const rows: Row[] = [];
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    const type = String(m.type); // "counter", "histogram", ... at run time
    if (!m.name.startsWith("soulnear_") || (type !== "counter" && type !== "histogram")) {
      continue;
    }
    for (const v of m.values) {
      const { service: _s, ...labels } = v.labels as Record<string, string | number>;
      const name = (v as { metricName?: string }).metricName ?? m.name;
      rows.push({ name, labels: stringLabels(labels), value: v.value });
    }
  }
  return rows;
}

function stringLabels(labels: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = String(labels[k]);
  return out;
}

export function createFlusher(
  db: Queryable,
  metrics: Metrics,
  opts: { now?: () => Date; log?: Logger } = {},
): Flusher {
  const now = opts.now ?? (() => new Date());
  const flushed = new Map<string, number>();
  let running: Promise<boolean> | undefined;
  const once = async () => {
    const current = await series(metrics);
    const deltas: (Row & { key: string; total: number })[] = [];
    for (const r of current) {
      const key = `${r.name}${JSON.stringify(r.labels)}`;
      const delta = r.value - (flushed.get(key) ?? 0);
      if (delta > 0) deltas.push({ ...r, value: delta, key, total: r.value });
    }
    if (!deltas.length) return true;
    try {
      await db.query(
        `INSERT INTO metric_day (date, service, name, labels, value)
         SELECT $1, $2, x.name, x.labels, x.value
         FROM jsonb_to_recordset($3::jsonb) AS x(name text, labels jsonb, value float8)
         ON CONFLICT (date, service, name, labels) DO UPDATE
           SET value = metric_day.value + excluded.value, updated_at = now()`,
        [
          statDate(now()),
          metrics.service,
          deltas.map(({ name, labels, value }) => ({ name, labels, value })),
        ],
      );
    } catch (err) {
      opts.log?.warn("Cannot save metrics; they are added to the next attempt", { err });
      return false;
    }
    for (const d of deltas) flushed.set(d.key, d.total);
    return true;
  };
  return {
    // One flush at a time: a stop may flush while the timer's flush is still running.
    async flush() {
      while (running) await running;
      running = once();
      try {
        return await running;
      } finally {
        running = undefined;
      }
    },
  };
}
