// The real `soulbot bot` process against a local fake Bot API: four ✅ start-up lines, per-chat
// order, a redelivered update ignored, a dropped database connection survived, a clean stop on
// SIGTERM, and a clear exit when another instance polls with the same token.

import assert from "node:assert/strict";
import postgres from "postgres";
import { startFakeBotApi } from "../harness/fake_bot_api.ts";
import { type Running, spawnSoulbot } from "../harness/cli.ts";
import { processDb, serverUrl } from "../harness/db.ts";
import { ALICE, BOB, TEST_TOKEN, Updates } from "../harness/telegram.ts";

function startBot(env: Record<string, string>, apiRoot: string): Running {
  return spawnSoulbot(["bot"], {
    ...env,
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    LOG_FORMAT: "pretty",
  });
}

function assertLine(bot: Running, re: RegExp): void {
  assert.ok(bot.lines.some((l) => re.test(l)), `no line ${re} in:\n${bot.lines.join("\n")}`);
}

Deno.test("bot process: start-up lines, order per chat, redelivery, dropped connection, SIGTERM", async () => {
  // The first /start reply of ALICE is slow: without per-chat ordering her second reply would
  // overtake it.
  await using api = startFakeBotApi({ replyDelayMs: (t) => t.startsWith("Привет!") ? 400 : 0 });
  await using db = await processDb();
  const env = db.env;
  const bot = startBot(env, api.apiRoot);
  await bot.waitForLine(/^✅ Bot authorised as @soulnear_test_bot and polling/, 60_000);
  const ok = bot.lines.filter((l) => l.startsWith("✅"));
  assert.equal(ok.length, 4, ok.join("\n"));
  assert.match(ok[0]!, /^✅ Config loaded: ENV=local/);
  assert.match(ok[1]!, /^✅ Database connected/);
  assert.match(ok[2]!, /^✅ Migrations up to date/);
  assert.ok(api.calls.some((c) => c.method === "setMyCommands"));

  const u = new Updates();
  const first = u.command(ALICE, "/start");
  api.push(first, u.text(ALICE, "второе"), u.command(BOB, "/start"));
  const sent = (calls: typeof api.calls) => calls.filter((c) => c.method === "sendMessage:done");
  await api.waitFor((c) => sent(c).length >= 3);
  const alice = sent(api.calls).filter((c) => c.payload.chat_id === ALICE.id).map((c) =>
    String(c.payload.text)
  );
  assert.equal(alice.length, 2);
  assert.match(alice[0]!, /^Привет!/, "the reply to /start comes first");
  assert.match(alice[1]!, /^⚠️/, "then the hint for the text sent at the consent step");

  api.redeliver(first);
  await bot.waitForLine(/Skipped a redelivered update/);
  const afterRedelivery = sent(api.calls).length;

  if (serverUrl()) {
    const admin = postgres(env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    const killed = await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'soulbot' AND datname = current_database()`;
    await admin.end();
    assert.ok(killed.length >= 1, "the bot's connections were dropped");
  }
  api.push(u.command(BOB, "/menu"));
  await api.waitFor((c) => sent(c).length >= afterRedelivery + 1);
  assert.equal(
    sent(api.calls).length,
    afterRedelivery + 1,
    "the redelivered update got no reply",
  );

  bot.kill("SIGTERM");
  const status = await bot.status;
  assert.equal(status.code, 0, bot.lines.join("\n"));
  assertLine(bot, /^Polling stopped/);
  assertLine(bot, /^Database closed/);
  assert.ok(!bot.lines.some((l) => /^ERROR/.test(l)), bot.lines.join("\n"));
});

Deno.test("bot process: another instance polling (409) stops it with a clear message", async () => {
  await using api = startFakeBotApi();
  await using db = await processDb();
  const env = db.env;
  api.conflict();
  const bot = startBot(env, api.apiRoot);
  const status = await bot.status;
  assert.equal(status.code, 1);
  assertLine(bot, /Another process is already receiving updates/);
});

Deno.test("bot process: SIGTERM while Telegram is unreachable at start-up stops it at once", async () => {
  await using db = await processDb();
  const env = db.env;
  const bot = startBot(env, "http://127.0.0.1:1");
  await bot.waitForLine(/^WARN Telegram not reachable \(attempt 1\)/, 60_000);
  bot.kill("SIGTERM");
  const status = await bot.status;
  assert.equal(status.code, 0, bot.lines.join("\n"));
  assertLine(bot, /^Stopped by SIGTERM during start-up/);
  assertLine(bot, /^Database closed/);
});

Deno.test("bot process: a token Telegram rejects ends it with a clear message", async () => {
  await using api = startFakeBotApi({ rejectToken: true });
  await using db = await processDb();
  const env = db.env;
  const bot = startBot(env, api.apiRoot);
  const status = await bot.status;
  assert.equal(status.code, 1);
  assertLine(bot, /Telegram rejected BOT_TOKEN \(401 Unauthorized\)/);
  assert.ok(!bot.lines.join("\n").includes(TEST_TOKEN), "the token is never printed");
});
