// `soulbot smoke` as a command: green against a healthy setup (a migrated database, the OpenAI
// mock, the fake Bot API), red and naming the check when the database or OpenAI is down.

import assert from "node:assert/strict";
import { runSoulbot } from "../harness/cli.ts";
import { startFakeBotApi } from "../harness/fake_bot_api.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import { TEST_TOKEN } from "../harness/telegram.ts";

const show = (r: { code: number; stdout: string; stderr: string }) =>
  `code ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

async function setup() {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_smoke_" });
  const env = { DATA_DIR: dir, BOT_TOKEN: TEST_TOKEN, OPENAI_API_KEY: "sk-test-smoke-key" };
  assert.equal((await runSoulbot(["migrate"], env)).code, 0);
  return { dir, env };
}

Deno.test("smoke: all green against a healthy setup", async () => {
  await using telegram = startFakeBotApi();
  await using openai = await startOpenAiMock();
  const { dir, env } = await setup();
  try {
    const r = await runSoulbot(["smoke"], {
      ...env,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      OPENAI_BASE_URL: openai.baseUrl,
    });
    assert.equal(r.code, 0, show(r));
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 7, show(r));
    assert.ok(lines.every((l) => l.startsWith("✅ ")), show(r));
    assert.match(r.stdout, /✅ Migrations current: \d+ applied/);
    assert.match(r.stdout, /✅ Tables aiogram_states: ok, schema_migrations: ok/);
    assert.match(r.stdout, /✅ Telegram getMe: @\w+/);
    assert.match(r.stdout, /✅ Critical handlers work \(\/start, .*\/settings\)/);
    assert.ok(openai.requests.some((q) => q.path === "/v1/models"));
    assert.ok(!r.stdout.includes(TEST_TOKEN) && !r.stderr.includes(TEST_TOKEN));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("smoke: OpenAI unreachable → its line is red and the exit code 1", async () => {
  await using telegram = startFakeBotApi();
  const { dir, env } = await setup();
  try {
    const r = await runSoulbot(["smoke"], {
      ...env,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
    });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /^❌ OpenAI unreachable/m);
    assert.match(r.stdout, /^✅ Database reachable/m);
    assert.equal(r.stdout.match(/^❌/gm)?.length, 1, show(r));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("smoke: database down → the database checks are red, the rest still run", async () => {
  await using telegram = startFakeBotApi();
  await using openai = await startOpenAiMock();
  const r = await runSoulbot(["smoke"], {
    BOT_TOKEN: TEST_TOKEN,
    OPENAI_API_KEY: "sk-test-smoke-key",
    DATABASE_URL: "postgres://nobody@127.0.0.1:9/none",
    TELEGRAM_API_ROOT: telegram.apiRoot,
    OPENAI_BASE_URL: openai.baseUrl,
  });
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /^❌ Database unreachable/m);
  assert.match(r.stdout, /^✅ OpenAI reachable/m);
  assert.match(r.stdout, /^✅ Critical handlers work/m);
});
