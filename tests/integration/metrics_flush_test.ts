// What the processes count reaches metric_day and comes back out of `stats`: the flusher adds
// only the growth since its last flush, keeps growth through a failed flush, and the technical
// report reads counts, rates and histogram quantiles back from the saved series.

import assert from "node:assert/strict";
import { freshDb } from "../harness/db.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { meteredDb, operationOf } from "../../src/metrics/db.ts";
import { createFlusher } from "../../src/metrics/flush.ts";
import { bucketQuantile, technicalStats } from "../../src/stats/technical.ts";
import { memoryLogger } from "../../src/log.ts";
import type { Db } from "../../src/db/db.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const DAY = { from: "2026-11-24", to: "2026-11-24" };

async function saved(db: Db, name: string, labels: Record<string, string> = {}) {
  const [row] = await db.query<{ v: number }>(
    `SELECT coalesce(sum(value), 0)::float8 AS v FROM metric_day
     WHERE name = $1 AND labels @> $2::jsonb`,
    [name, labels],
  );
  return row!.v;
}

Deno.test("flush: growth since the last flush, per day and service, nothing twice", async () => {
  await using db = await freshDb();
  const metrics = createMetrics("bot");
  const flusher = createFlusher(db, metrics, { now: () => NOW });
  metrics.telegramRequests.inc({ method: "sendMessage", outcome: "ok" }, 5);
  metrics.telegramRequests.inc({ method: "sendMessage", outcome: "rate_limited" });
  metrics.updates.observe({ type: "message:text", outcome: "ok" }, 0.2);
  assert.equal(await flusher.flush(), true);
  assert.equal(await flusher.flush(), true); // nothing new: nothing added
  metrics.telegramRequests.inc({ method: "sendMessage", outcome: "ok" }, 2);
  assert.equal(await flusher.flush(), true);
  assert.equal(await saved(db, "soulnear_telegram_requests_total", { outcome: "ok" }), 7);
  assert.equal(await saved(db, "soulnear_telegram_requests_total", { outcome: "rate_limited" }), 1);
  assert.equal(await saved(db, "soulnear_update_duration_seconds_count"), 1);
  assert.equal(await saved(db, "soulnear_update_duration_seconds_bucket", { le: "0.25" }), 1);
  assert.equal(await saved(db, "soulnear_update_duration_seconds_bucket", { le: "0.1" }), 0);
  const [row] = await db.query<{ date: string; service: string; labels: unknown }>(
    `SELECT date::text AS date, service, labels FROM metric_day
     WHERE name = 'soulnear_telegram_requests_total' AND labels->>'outcome' = 'ok'`,
  );
  // The service is a column of its own, not a label; Moscow date of NOW.
  assert.deepEqual(row, {
    date: "2026-11-24",
    service: "bot",
    labels: { method: "sendMessage", outcome: "ok" },
  });
});

Deno.test("flush: a failed flush loses nothing, the next one adds it all", async () => {
  await using db = await freshDb();
  const metrics = createMetrics("api");
  const log = memoryLogger();
  let down = true;
  const flaky: Db = {
    ...db,
    query: (sql, params, opts) =>
      down ? Promise.reject(new Error("connection refused")) : db.query(sql, params, opts),
  };
  const flusher = createFlusher(flaky, metrics, { now: () => NOW, log });
  metrics.openaiCost.inc({ model: "gpt-4o-mini" }, 0.5);
  assert.equal(await flusher.flush(), false);
  assert.match(log.lines.join("\n"), /^WARN Cannot save metrics/m);
  metrics.openaiCost.inc({ model: "gpt-4o-mini" }, 0.25);
  down = false;
  assert.equal(await flusher.flush(), true);
  assert.equal(await saved(db, "soulnear_openai_cost_usd_total"), 0.75);
});

Deno.test("flush: concurrent flushes (timer and stop) add each growth once", async () => {
  await using db = await freshDb();
  const metrics = createMetrics("bot");
  const flusher = createFlusher(db, metrics, { now: () => NOW });
  metrics.logEvents.inc({ level: "warn", kind: "Database slow" }, 3);
  await Promise.all([flusher.flush(), flusher.flush(), flusher.flush()]);
  assert.equal(await saved(db, "soulnear_log_events_total"), 3);
});

Deno.test("meteredDb counts statements by operation and outcome, inside transactions too, and transactions", async () => {
  await using raw = await freshDb();
  const metrics = createMetrics("bot");
  const db = meteredDb(raw, metrics);
  await db.query("SELECT 1");
  await db.transaction(async (tx) => {
    await tx.query("INSERT INTO statistic_day (date) VALUES ('2026-01-01')");
    await tx.query("  update statistic_day SET menu = 1");
  });
  await assert.rejects(db.query("SELECT * FROM no_such_table"));
  await assert.rejects(db.transaction(async (tx) => {
    await tx.query("SELECT 1");
    throw new Error("rolled back");
  }));
  const transactions = async (outcome: string) =>
    (await metrics.dbTransactions.get()).values.find((v) => v.labels.outcome === outcome)?.value;
  assert.equal(await transactions("commit"), 1);
  assert.equal(await transactions("rollback"), 1);
  const count = async (labels: Record<string, string>) =>
    (await metrics.dbQueries.get()).values
      .filter((v) =>
        v.metricName === "soulnear_db_query_duration_seconds_count" &&
        Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x)
      )
      .reduce((s, v) => s + v.value, 0);
  assert.equal(await count({ operation: "select", outcome: "ok" }), 2);
  assert.equal(await count({ operation: "insert" }), 1);
  assert.equal(await count({ operation: "update" }), 1);
  assert.equal(await count({ operation: "select", outcome: "error" }), 1);
  assert.equal(operationOf("WITH x AS (SELECT 1) SELECT * FROM x"), "with");
  assert.equal(operationOf("CREATE TABLE t (a int)"), "other");
});

Deno.test("bucketQuantile interpolates inside buckets like histogram_quantile", () => {
  // 100 observations: 50 ≤ 0.1 s, 40 in (0.1, 0.5], 10 in (0.5, 1].
  const buckets = new Map([[0.1, 50], [0.5, 90], [1, 100], [Infinity, 100]]);
  assert.equal(bucketQuantile(buckets, 0.5), 0.1);
  assert.ok(Math.abs(bucketQuantile(buckets, 0.7) - 0.3) < 1e-9);
  assert.ok(Math.abs(bucketQuantile(buckets, 0.95) - 0.75) < 1e-9);
  // Beyond the largest bound: that bound; no observations: 0.
  assert.equal(bucketQuantile(new Map([[1, 0], [Infinity, 4]]), 0.5), 1);
  assert.equal(bucketQuantile(new Map([[1, 0], [Infinity, 0]]), 0.95), 0);
});

Deno.test("technicalStats reads back what was counted and flushed", async () => {
  await using raw = await freshDb();
  const metrics = createMetrics("bot");
  // 20 text updates: 19 at 0.2 s, one failed at 4 s; 40 callbacks at 0.03 s.
  for (let i = 0; i < 19; i++) {
    metrics.updates.observe({ type: "message:text", outcome: "ok" }, 0.2);
  }
  metrics.updates.observe({ type: "message:text", outcome: "error" }, 4);
  for (let i = 0; i < 40; i++) {
    metrics.updates.observe({ type: "callback_query", outcome: "ok" }, 0.03);
  }
  metrics.openaiRequests.inc({ model: "gpt-4o-mini", operation: "chat", outcome: "ok" }, 9);
  metrics.openaiRequests.inc({ model: "gpt-4o-mini", operation: "chat", outcome: "unavailable" });
  metrics.openaiTokens.inc({ model: "gpt-4o-mini", type: "input" }, 9000);
  metrics.openaiTokens.inc({ model: "gpt-4o-mini", type: "output" }, 1800);
  metrics.openaiCost.inc({ model: "gpt-4o-mini" }, 0.00243);
  metrics.telegramRequests.inc({ method: "sendMessage", outcome: "ok" }, 50);
  metrics.telegramRequests.inc({ method: "sendMessage", outcome: "rate_limited" }, 2);
  metrics.observeLog("warn", "Telegram not reachable (attempt 2): timeout");
  metrics.observeLog("warn", "Telegram not reachable (attempt 3): timeout");
  metrics.observeLog("info", "update handled");
  const db = meteredDb(raw, metrics);
  const flusher = createFlusher(db, metrics, { now: () => NOW });
  await flusher.flush();
  const t = await technicalStats(raw, DAY, 3600);
  const text = t.updates.find((u) => u.type === "message:text")!;
  assert.equal(text.count, 20);
  assert.equal(text.errors, 1);
  assert.equal(text.avgMs, Math.round((19 * 0.2 + 4) / 20 * 1000));
  // 95% of 20 = 19th observation: the top of the (0.1, 0.25] bucket.
  assert.equal(text.p95Ms, 250);
  const cb = t.updates.find((u) => u.type === "callback_query")!;
  assert.deepEqual([cb.count, cb.errors, cb.avgMs], [40, 0, 30]);
  assert.deepEqual(t.openai, [{
    model: "gpt-4o-mini",
    requests: 10,
    failed: 1,
    inputTokens: 9000,
    outputTokens: 1800,
    costUsd: 0.00243,
  }]);
  assert.deepEqual(t.telegram, { requests: 52, rateLimited: 2, errors: 0 });
  assert.deepEqual(t.log, [{ level: "warn", kind: "Telegram not reachable", count: 2 }]);
  // The flush's own INSERT was not yet counted when it was taken: no statements saved yet.
  assert.equal(t.database.queries, 0);
  await flusher.flush();
  const again = await technicalStats(raw, DAY, 3600);
  assert.equal(again.database.queries, 1);
  assert.equal(again.updates.find((u) => u.type === "message:text")!.count, 20);
  assert.equal(again.database.perSecond, Math.round(again.database.queries / 3600 * 1000) / 1000);
});
