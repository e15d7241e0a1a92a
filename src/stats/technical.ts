// Technical statistics over a period of Moscow dates: answer latency per assistant from
// conversation_history (exact percentiles), and what the processes counted (metric_day):
// update latency by type, database statements and their rate, warnings and errors by kind,
// Telegram calls and 429s, OpenAI calls, tokens and cost by model.

import type { Queryable } from "../db/db.ts";
import type { Period } from "./product.ts";

export interface Latency {
  count: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface AnswerLatency {
  assistant: string;
  /** Until the first visible text, and until the answer was complete. */
  firstText: Latency;
  total: Latency;
}

export interface UpdateLatency {
  type: string;
  count: number;
  avgMs: number;
  /** Estimated from the histogram buckets, as Prometheus' histogram_quantile does. */
  p95Ms: number;
  errors: number;
}

export interface TechnicalStats {
  answers: AnswerLatency[];
  updates: UpdateLatency[];
  database: { queries: number; errors: number; avgMs: number; perSecond: number };
  log: Array<{ level: string; kind: string; count: number }>;
  telegram: { requests: number; rateLimited: number; errors: number };
  openai: Array<{
    model: string;
    requests: number;
    failed: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
  }>;
}

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Percentiles of answer times, exact, from the replies stored in the period. */
export async function answerLatency(db: Queryable, period: Period): Promise<AnswerLatency[]> {
  const rows = await db.query<Record<string, number> & { assistant: string }>(
    `SELECT assistant,
       count(first_text_ms)::int AS f_count, coalesce(avg(first_text_ms), 0)::float8 AS f_avg,
       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY first_text_ms), 0)::float8 AS f_p50,
       coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY first_text_ms), 0)::float8 AS f_p95,
       coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY first_text_ms), 0)::float8 AS f_p99,
       count(total_ms)::int AS t_count, coalesce(avg(total_ms), 0)::float8 AS t_avg,
       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms), 0)::float8 AS t_p50,
       coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY total_ms), 0)::float8 AS t_p95,
       coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY total_ms), 0)::float8 AS t_p99
     FROM conversation_history
     WHERE role = 'assistant' AND total_ms IS NOT NULL
       AND created_at >= $1::date::timestamp AT TIME ZONE 'Europe/Moscow'
       AND created_at < ($2::date + 1)::timestamp AT TIME ZONE 'Europe/Moscow'
     GROUP BY assistant ORDER BY assistant`,
    [period.from, period.to],
  );
  const latency = (r: Record<string, number>, p: "f" | "t"): Latency => ({
    count: r[`${p}_count`]!,
    avgMs: Math.round(r[`${p}_avg`]!),
    p50Ms: Math.round(r[`${p}_p50`]!),
    p95Ms: Math.round(r[`${p}_p95`]!),
    p99Ms: Math.round(r[`${p}_p99`]!),
  });
  return rows.map((r) => ({
    assistant: r.assistant,
    firstText: latency(r, "f"),
    total: latency(r, "t"),
  }));
}

/** metric_day summed over the period: one value per series (name and labels). */
export async function metricSeries(db: Queryable, period: Period): Promise<Series[]> {
  return await db.query<Series>(
    `SELECT name, labels, sum(value)::float8 AS value FROM metric_day
     WHERE date BETWEEN $1::date AND $2::date GROUP BY name, labels ORDER BY name`,
    [period.from, period.to],
  );
}

const sum = (series: Series[], name: string, where: Record<string, string> = {}) =>
  series
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);

const distinct = (series: Series[], name: string, label: string) =>
  [...new Set(series.filter((s) => s.name === name).map((s) => s.labels[label] ?? ""))].sort();

/**
 * The q-quantile of a histogram from its cumulative buckets (le → count), interpolating
 * linearly inside the bucket as histogram_quantile does; the largest finite bound when it falls
 * in +Inf; 0 without observations.
 */
export function bucketQuantile(buckets: ReadonlyMap<number, number>, q: number): number {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const count = buckets.get(Infinity) ?? buckets.get(bounds.at(-1)!) ?? 0;
  if (count === 0) return 0;
  const rank = q * count;
  let prevBound = 0;
  let prevCount = 0;
  for (const le of bounds) {
    const c = buckets.get(le)!;
    if (c >= rank) {
      if (le === Infinity) return prevBound;
      if (c === prevCount) return le;
      return prevBound + (le - prevBound) * (rank - prevCount) / (c - prevCount);
    }
    prevBound = le;
    prevCount = c;
  }
  return prevBound;
}

function updateLatency(series: Series[]): UpdateLatency[] {
  const name = "soulnear_update_duration_seconds";
  return distinct(series, `${name}_count`, "type").map((type) => {
    const count = sum(series, `${name}_count`, { type });
    const buckets = new Map<number, number>();
    for (const s of series) {
      if (s.name !== `${name}_bucket` || s.labels.type !== type) continue;
      const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    }
    return {
      type,
      count,
      avgMs: count ? Math.round(sum(series, `${name}_sum`, { type }) / count * 1000) : 0,
      p95Ms: Math.round(bucketQuantile(buckets, 0.95) * 1000),
      errors: sum(series, `${name}_count`, { type, outcome: "error" }),
    };
  });
}

/** The period's technical figures; `elapsedSeconds` is how much of it has passed (for rates). */
export async function technicalStats(
  db: Queryable,
  period: Period,
  elapsedSeconds: number,
): Promise<TechnicalStats> {
  const [answers, series] = await Promise.all([
    answerLatency(db, period),
    metricSeries(db, period),
  ]);
  const q = "soulnear_db_query_duration_seconds";
  const queries = sum(series, `${q}_count`);
  const openai = distinct(series, "soulnear_openai_requests_total", "model").map((model) => ({
    model,
    requests: sum(series, "soulnear_openai_requests_total", { model }),
    // A call cancelled because its answer was no longer wanted did not fail.
    failed: sum(series, "soulnear_openai_requests_total", { model }) -
      sum(series, "soulnear_openai_requests_total", { model, outcome: "ok" }) -
      sum(series, "soulnear_openai_requests_total", { model, outcome: "cancelled" }),
    inputTokens: sum(series, "soulnear_openai_tokens_total", { model, type: "input" }),
    outputTokens: sum(series, "soulnear_openai_tokens_total", { model, type: "output" }),
    costUsd: sum(series, "soulnear_openai_cost_usd_total", { model }),
  }));
  const telegram = "soulnear_telegram_requests_total";
  return {
    answers,
    updates: updateLatency(series),
    database: {
      queries,
      errors: sum(series, `${q}_count`, { outcome: "error" }),
      avgMs: queries ? Math.round(sum(series, `${q}_sum`) / queries * 1000 * 100) / 100 : 0,
      perSecond: elapsedSeconds > 0 ? Math.round(queries / elapsedSeconds * 1000) / 1000 : 0,
    },
    log: series
      .filter((s) => s.name === "soulnear_log_events_total")
      .map((s) => ({ level: s.labels.level ?? "", kind: s.labels.kind ?? "", count: s.value }))
      .sort((a, b) => b.count - a.count),
    telegram: {
      requests: sum(series, telegram),
      rateLimited: sum(series, telegram, { outcome: "rate_limited" }),
      errors: sum(series, telegram, { outcome: "error" }) +
        sum(series, telegram, { outcome: "network" }),
    },
    openai,
  };
}
