// Benchmark: the webhook receiver's time per update — POST /telegram/<secret> through the Hono
// app in-process (secret check, JSON, the stored copy, one INSERT) until its 200 — one at a time
// and 20 at once, and the claim's time per update with the spam limit judged in it (50 chats).
// Prints figures; asserts nothing.
// Run: deno task bench:webhook [updates]   (TEST_DATABASE_URL selects PostgreSQL, else PGlite)

import { createApi } from "../src/api/app.ts";
import { createMetrics } from "../src/metrics/metrics.ts";
import { createLogger } from "../src/log.ts";
import type { Payments } from "../src/payments/service.ts";
import { claimUpdates, finishUpdate } from "../src/inbox/inbox.ts";
import { freshDb } from "../tests/harness/db.ts";
import { Updates } from "../tests/harness/telegram.ts";

const n = Number(Deno.args[0] ?? 1000);
const PATH = "bench-path-secret-0123456789";
const TOKEN = "bench-token-secret-0123456789";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function show(label: string, ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(2);
  console.log(
    `${label}: p50 ${f(percentile(s, 0.5))} ms, p95 ${f(percentile(s, 0.95))} ms, ` +
      `p99 ${f(percentile(s, 0.99))} ms (${s.length} updates)`,
  );
}

await using db = await freshDb();
const app = createApi({
  db,
  log: createLogger({ level: "error" }),
  migrations: [],
  payments: {} as Payments,
  notify: () => Promise.resolve(),
  allowed: () => false,
  trustedProxies: () => false,
  metrics: createMetrics("api"),
  webhook: { pathSecret: PATH, secretToken: TOKEN },
});
const u = new Updates();
const people = Array.from({ length: 50 }, (_, i) => ({ id: 200_000 + i, first_name: "Гость" }));
const post = async (i: number) => {
  const body = JSON.stringify(u.text(people[i % people.length]!, `сообщение ${i}`));
  const started = performance.now();
  const res = await app.request(`/telegram/${PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TOKEN },
    body,
  });
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return performance.now() - started;
};

console.log(`Database: ${db.kind}`);
const one: number[] = [];
for (let i = 0; i < n; i++) one.push(await post(i));
show("receive, one at a time", one);
const many: number[] = [];
for (let i = 0; i < n; i += 20) {
  many.push(...await Promise.all(Array.from({ length: 20 }, (_, k) => post(n + i + k))));
}
show("receive, 20 at once", many);

const claims: number[] = [];
for (;;) {
  const started = performance.now();
  const rows = await claimUpdates(db, "bench", 50, 30_000);
  if (rows.length === 0) break;
  const per = (performance.now() - started) / rows.length;
  for (const row of rows) {
    claims.push(per);
    await finishUpdate(db, "bench", row.updateId, { status: "done" });
  }
}
show("claim with the spam limit judged, per update (50 chats, 50 a claim)", claims);
