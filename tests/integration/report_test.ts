// The stats report on a seeded database (tests/harness/stats_seed.ts): the numbers it was seeded
// with come back in the JSON document, the text report and the api's GET /stats and /metrics.

import assert from "node:assert/strict";
import { freshDb } from "../harness/db.ts";
import { seedStats } from "../harness/stats_seed.ts";
import { addDays, buildReport, renderReport } from "../../src/stats/report.ts";
import { statDate } from "../../src/stats/daily.ts";
import { createApi } from "../../src/api/app.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { memoryLogger } from "../../src/log.ts";
import type { Payments } from "../../src/payments/service.ts";
import { parsePrometheus, total } from "../harness/prometheus.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const TODAY = statDate(NOW);

Deno.test("report: seeded figures come back in JSON and text", async () => {
  await using db = await freshDb();
  await seedStats(db, TODAY);
  const r = await buildReport(db, { days: 7, now: NOW });
  assert.deepEqual(r.period, { from: addDays(TODAY, -6), to: TODAY });
  // Cohort today-10 is before the 7 days but within the 30 before them: its D7 is known.
  const c = r.product.retention.cohorts;
  assert.deepEqual(c.map((x) => [x.date, x.users]), [[addDays(TODAY, -10), 5], [
    addDays(TODAY, -2),
    2,
  ]]);
  assert.deepEqual(c[0]!.d7, { returned: 2, of: 5, rate: 0.4 });
  assert.deepEqual(c[0]!.d1, { returned: 3, of: 5, rate: 0.6 });
  assert.equal(c[0]!.d30, null);
  assert.deepEqual(c[1]!.d1, { returned: 1, of: 2, rate: 0.5 });
  assert.equal(c[1]!.d7, null);
  assert.deepEqual(r.product.retention.d1, { returned: 4, of: 7, rate: 4 / 7 });
  assert.deepEqual(r.product.users, { new: 2, active: 5 });
  assert.deepEqual(
    [r.product.sessions.count, r.product.sessions.avgSeconds, r.product.sessions.medianSeconds],
    [4, 1200, 900],
  );
  assert.deepEqual(r.product.quizzes.total, {
    category: "total",
    started: 3,
    completed: 2,
    rate: 2 / 3,
  });
  assert.equal(r.product.features.length, 7);
  assert.equal(r.product.cost.totalUsd, 0.3);
  assert.equal(r.product.cost.perActiveUser, 0.3 / 5);
  const helper = r.technical.answers[0]!;
  assert.equal(helper.assistant, "helper");
  assert.deepEqual(helper.total, { count: 4, avgMs: 2500, p50Ms: 2250, p95Ms: 3775, p99Ms: 3955 });
  assert.equal(helper.firstText.avgMs, 800);
  assert.deepEqual(r.technical.updates, [{
    type: "message:text",
    count: 20,
    avgMs: 390,
    p95Ms: 250,
    errors: 1,
  }]);
  assert.equal(r.technical.database.queries, 600);
  assert.equal(r.technical.database.avgMs, 2);
  assert.deepEqual(r.technical.telegram, { requests: 41, rateLimited: 1, errors: 0 });
  const text = renderReport(r);
  for (
    const line of [
      /^SoulNear stats: \d{4}-\d\d-\d\d … 2026-11-24 \(7 days, Moscow dates\)/m,
      /D1 57\.1% \(4\/7\), D7 40\.0% \(2\/5\), D30 —/,
      /^ {2}4 sessions by 4 users \(1\.0 per user\); duration avg 20m 0s, median 15m 0s, p90 41m 0s$/m,
      /^ {2}total\s+3\s+2\s+66\.7%$/m,
      /^ {2}helper\s+4\s+800 \/ 2500\s+800 \/ 2250\s+1070 \/ 3775\s+1094 \/ 3955$/m,
      /^ {2}message:text\s+20\s+390\s+250\s+1$/m,
      /^Database: 600 statements/m,
      /^Telegram: 41 API calls, 1 rate limited \(429\), 0 failed$/m,
      /^ {2}gpt-4o-mini\s+5\s+0\s+1000000\s+250000\s+\$0\.3000$/m,
      /^ {2}WARN\s+2\s+Answer failed$/m,
      /^OpenAI cost: \$0\.3000 in all, \$0\.0600 per active user$/m,
    ]
  ) assert.match(text, line);
});

Deno.test("report: an empty database gives zeros, not errors", async () => {
  await using db = await freshDb();
  const r = await buildReport(db, { days: 1, now: NOW });
  assert.deepEqual(r.product.users, { new: 0, active: 0 });
  assert.equal(r.product.retention.d7, null);
  assert.deepEqual(r.technical.answers, []);
  assert.match(renderReport(r), /no answers[\s\S]*none recorded[\s\S]*no requests[\s\S]*none$/);
});

Deno.test("api: GET /stats needs the bearer token; /metrics shows the api's requests", async () => {
  await using db = await freshDb();
  await seedStats(db, TODAY);
  const TOKEN = "stats-token-0123456789";
  const make = (statsToken?: string) =>
    createApi({
      db,
      log: memoryLogger(),
      migrations: [],
      payments: {} as Payments,
      notify: () => Promise.resolve(),
      allowed: () => false,
      trustedProxies: () => false,
      metrics: createMetrics("api"),
      statsToken,
      now: () => NOW,
    });
  const off = make();
  assert.equal((await off.request("/stats")).status, 404);
  assert.equal((await off.request("/metrics")).status, 200, "open when no token is set");
  const app = make(TOKEN);
  const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const none = await app.request("/stats");
  assert.equal(none.status, 401);
  assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="soulnear"');
  assert.deepEqual(await none.json(), { error: "unauthorized" });
  assert.equal((await app.request("/stats", auth("stats-token-0123456780"))).status, 401);
  assert.equal((await app.request("/stats?days=0", auth(TOKEN))).status, 400);
  const res = await app.request("/stats?days=30", auth(TOKEN));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.days, 30);
  assert.deepEqual(body.product.retention.cohorts[0].d7, { returned: 2, of: 5, rate: 0.4 });
  assert.equal(body.technical.database.queries, 600);
  assert.equal((await app.request("/metrics")).status, 401);
  for (const authorization of ["Basic c3RhdHM6eA==", "Bearer", `Bearer ${TOKEN} x`]) {
    const refused = await app.request("/metrics", { headers: { authorization } });
    assert.equal(refused.status, 401, `malformed header ${authorization}`);
    assert.deepEqual(await refused.json(), { error: "unauthorized" });
  }
  const metrics = await app.request("/metrics", auth(TOKEN));
  assert.equal(metrics.status, 200);
  const s = parsePrometheus(await metrics.text());
  const stats = { route: "/stats", method: "GET" };
  assert.equal(total(s, "soulnear_http_request_duration_seconds_count", stats), 4);
  assert.equal(
    total(s, "soulnear_http_request_duration_seconds_count", { ...stats, status: "401" }),
    2,
  );
  assert.ok(total(s, "soulnear_http_request_duration_seconds_count", { route: "/metrics" }) >= 1);
});
