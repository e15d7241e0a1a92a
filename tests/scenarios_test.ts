// Replays every recorded scenario in fixtures/scenarios/ against the real bot (fresh database,
// mocked OpenAI, recorded Bot API), compares the Bot API calls of each input with expected.json
// and runs the scenario's database checks; no line at error level may be logged. All scenarios
// record into one set of metrics, which the last test scrapes over HTTP and checks against what
// was replayed. `deno task fixtures:update` rewrites expected.json; review its diff like code.

import assert from "node:assert/strict";
import { replayScenario } from "./harness/scenario.ts";
import { listScenarios, readExpected, writeExpected } from "./harness/scenario_files.ts";
import { createMetrics } from "../src/metrics/metrics.ts";
import { metricsHandler } from "../src/metrics/server.ts";
import { costUsd, DEFAULT_PRICES } from "../src/llm/pricing.ts";
import { parsePrometheus, total } from "./harness/prometheus.ts";

const update = Deno.env.get("UPDATE_GOLDEN") === "1";

const metrics = createMetrics("bot");
const replayed = {
  scenarios: 0,
  updates: new Map<string, number>(),
  answers: new Map<string, { total: number; firstText: number; outputTokens: number }>(),
  openai: new Map<string, number>(),
};
const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
const OPERATIONS: Record<string, string> = {
  "/v1/chat/completions": "chat",
  "/v1/responses": "chat",
  "/v1/embeddings": "embedding",
  "/v1/moderations": "moderation",
};

function tally(updateTypes: string[], openaiPaths: string[], logLines: string[]) {
  replayed.scenarios++;
  for (const t of updateTypes) bump(replayed.updates, t);
  for (const p of openaiPaths) bump(replayed.openai, OPERATIONS[p] ?? p);
  for (const line of logLines.filter((l) => l.startsWith("answered "))) {
    const assistant = /assistant=(\w+)/.exec(line)![1]!;
    const a = replayed.answers.get(assistant) ?? { total: 0, firstText: 0, outputTokens: 0 };
    a.total++;
    if (/first_text_ms=\d/.test(line)) a.firstText++;
    a.outputTokens += Number(/output_tokens=(\d+)/.exec(line)![1]);
    replayed.answers.set(assistant, a);
  }
}

for (const name of await listScenarios()) {
  Deno.test(`scenario ${name}`, async () => {
    const result = await replayScenario(name, { metrics });
    tally(result.updateTypes, result.openaiPaths, result.logLines);
    assert.deepEqual(result.errorLines, [], "no line at error level");
    assert.equal(result.openaiUnscripted, 0, "every OpenAI request was scripted");
    assert.equal(result.openaiLeftover, 0, "every scripted OpenAI response was used");
    for (const check of result.db) {
      assert.deepEqual(check.actual, check.rows, `db check: ${check.sql}`);
    }
    if (update) return await writeExpected(name, result.exchanges);
    const expected = await readExpected(name);
    assert.ok(
      expected,
      `fixtures/scenarios/${name}/expected.json is missing: deno task fixtures:update`,
    );
    assert.equal(result.exchanges.length, expected.length, "one exchange per input");
    result.exchanges.forEach((got, i) =>
      assert.deepEqual(got, expected[i], `input ${i + 1}: ${JSON.stringify(got.input)}`)
    );
  });
}

Deno.test("metrics: /metrics after the scenarios counts what they did", async () => {
  const stop = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: stop.signal, onListen: () => {} },
    metricsHandler(metrics, () => Promise.resolve(true)),
  );
  try {
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const s = parsePrometheus(await res.text());
    // Every update, by type, in the update latency histogram (and +Inf bucket = count).
    for (const [type, n] of replayed.updates) {
      assert.equal(total(s, "soulnear_update_duration_seconds_count", { type }), n, type);
      assert.equal(total(s, "soulnear_update_duration_seconds_bucket", { type, le: "+Inf" }), n);
    }
    const updates = [...replayed.updates.values()].reduce((a, b) => a + b, 0);
    assert.equal(total(s, "soulnear_update_duration_seconds_count"), updates);
    // Each answer logged as answered is in both latency histograms of its assistant.
    for (const [assistant, a] of replayed.answers) {
      assert.equal(total(s, "soulnear_answer_duration_seconds_count", { assistant }), a.total);
      assert.equal(
        total(s, "soulnear_answer_first_text_seconds_count", { assistant }),
        a.firstText,
      );
      assert.ok(total(s, "soulnear_answer_duration_seconds_sum", { assistant }) > 0);
    }
    // Database statements: at least one per update (the user is loaded), none failed.
    const queries = total(s, "soulnear_db_query_duration_seconds_count");
    assert.ok(queries >= updates, `${queries} queries for ${updates} updates`);
    assert.ok(total(s, "soulnear_db_query_duration_seconds_count", { operation: "select" }) > 0);
    assert.equal(total(s, "soulnear_db_query_duration_seconds_count", { outcome: "error" }), 0);
    // One counted OpenAI call per request the mock received (no SDK retries in scenarios).
    for (const [operation, n] of replayed.openai) {
      assert.equal(total(s, "soulnear_openai_requests_total", { operation }), n, operation);
    }
    // Cost agrees with the tokens counted, and covers at least the answers' tokens.
    const models = new Set(
      s.filter((x) => x.name === "soulnear_openai_tokens_total").map((x) => x.labels.model!),
    );
    for (const model of models) {
      const input = total(s, "soulnear_openai_tokens_total", { model, type: "input" });
      const output = total(s, "soulnear_openai_tokens_total", { model, type: "output" });
      const cost = total(s, "soulnear_openai_cost_usd_total", { model });
      const calls = total(s, "soulnear_openai_requests_total", { model, outcome: "ok" });
      assert.ok(Math.abs(cost - costUsd(DEFAULT_PRICES, model, input, output)!) <= calls * 1e-6);
    }
    const answerTokens = [...replayed.answers.values()].reduce((a, b) => a + b.outputTokens, 0);
    assert.ok(
      total(s, "soulnear_openai_tokens_total", { model: "gpt-4o-mini", type: "output" }) >=
        answerTokens,
    );
    if (replayed.answers.size) {
      assert.ok(total(s, "soulnear_openai_cost_usd_total", { model: "gpt-4o-mini" }) > 0);
    }
    // Telegram calls were counted; scenarios log no errors, so no error-level events.
    if (updates) assert.ok(total(s, "soulnear_telegram_requests_total", { outcome: "ok" }) > 0);
    assert.equal(total(s, "soulnear_log_events_total", { level: "error" }), 0);
    assert.ok(replayed.scenarios === 0 || updates > 0);
  } finally {
    stop.abort();
    await server.finished;
  }
});
