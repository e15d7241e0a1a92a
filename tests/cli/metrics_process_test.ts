// The real `soulbot bot` with METRICS_PORT: /metrics and /health answer while it polls, its
// counters include the Bot API calls it made (counted inside auto-retry) and the updates it
// handled, and what it counted is saved at the stop so that `soulbot stats` reports it.

import assert from "node:assert/strict";
import { startFakeBotApi } from "../harness/fake_bot_api.ts";
import { runSoulbot, spawnSoulbot } from "../harness/cli.ts";
import { processDb } from "../harness/db.ts";
import { ALICE, TEST_TOKEN, Updates } from "../harness/telegram.ts";
import { parsePrometheus, total } from "../harness/prometheus.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("bot process: /metrics and /health on METRICS_PORT; stats reads what it saved", async () => {
  await using api = startFakeBotApi();
  await using db = await processDb();
  const env = db.env;
  const port = freePort();
  const bot = spawnSoulbot(["bot"], {
    ...env,
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: api.apiRoot,
    LOG_FORMAT: "json",
    METRICS_PORT: String(port),
    API_HOST: "127.0.0.1",
  });
  await bot.waitForLine(/Bot authorised as @soulnear_test_bot and polling/, 60_000);
  await bot.waitForLine(/Metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/, 10_000);
  const u = new Updates();
  api.push(u.command(ALICE, "/start"), u.command(ALICE, "/help"));
  const sent = () => api.calls.filter((c) => c.method === "sendMessage:done").length;
  await api.waitFor(() => sent() >= 2);
  // The update is timed when its handling ends, just after its reply went out.
  const handled = () => bot.lines.filter((l) => l.includes('"msg":"update handled"')).length;
  for (let i = 0; i < 100 && handled() < 2; i++) await new Promise((r) => setTimeout(r, 50));

  const health = await fetch(`http://127.0.0.1:${port}/health`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: "ok" });
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  const s = parsePrometheus(await res.text());
  assert.equal(
    total(s, "soulnear_update_duration_seconds_count", { type: "message:command" }),
    2,
  );
  assert.ok(total(s, "soulnear_telegram_requests_total", { method: "getUpdates" }) >= 1);
  assert.equal(total(s, "soulnear_telegram_requests_total", { method: "sendMessage" }), 2);
  assert.ok(total(s, "soulnear_db_query_duration_seconds_count") > 10);
  assert.ok(total(s, "process_resident_memory_bytes") > 0, "process metrics are there");
  for (const status of ["pending", "working", "parked"]) {
    assert.ok(
      s.some((x) => x.name === "soulnear_inbox_updates" && x.labels.status === status),
      `the inbox's ${status} gauge is there`,
    );
  }
  assert.ok(s.some((x) => x.name === "soulnear_inbox_oldest_pending_seconds"));
  assert.ok(s.every((x) => x.labels.service === "bot"), "every series says which process");
  assert.equal((await fetch(`http://127.0.0.1:${port}/nothing`)).status, 404);

  // JSON lines, level in capitals so `grep ERROR` works; none at error level.
  const lines = bot.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  assert.ok(lines.some((l) => l.msg === "update handled" && l.level === "INFO"));
  assert.ok(!bot.lines.some((l) => l.includes('"level":"ERROR"')), bot.lines.join("\n"));

  bot.kill("SIGTERM");
  assert.equal((await bot.status).code, 0, bot.lines.join("\n"));
  const stats = await runSoulbot(["stats", "--days", "1", "--json"], env);
  assert.equal(stats.code, 0, stats.stderr);
  const report = JSON.parse(stats.stdout);
  assert.deepEqual(report.technical.updates.map((x: { type: string }) => x.type), [
    "message:command",
  ]);
  assert.equal(report.technical.updates[0].count, 2);
  assert.ok(report.technical.telegram.requests >= 3);
  assert.ok(report.technical.database.queries > 10);
  assert.equal(report.product.users.new, 1);
  const text = await runSoulbot(["stats", "--days", "1"], env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^ {2}message:command\s+2\s/m);
});
