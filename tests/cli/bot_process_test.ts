// The real `soulbot bot` process against a local fake Bot API: four ✅ start-up lines (and one
// warning without OPENAI_API_KEY), per-chat order, a redelivered update ignored, a dropped
// database connection survived, a clean stop on SIGTERM, nothing lost or answered twice when the
// process is killed with updates in hand, an answer cut off by SIGKILL finished after the restart
// in the message the user saw half-written, and a clear exit when another instance polls with the
// same token.

import assert from "node:assert/strict";
import postgres from "postgres";
import { startFakeBotApi } from "../harness/fake_bot_api.ts";
import { type Running, spawnSoulbot } from "../harness/cli.ts";
import { processDb, serverUrl } from "../harness/db.ts";
import { ALICE, BOB, TEST_TOKEN, Updates } from "../harness/telegram.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import { OB } from "../../src/bot/screens/onboarding.ts";

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
  // No OPENAI_API_KEY: said once, at start-up, with what to set.
  const noKey = bot.lines.filter((l) => l.startsWith("WARN OPENAI_API_KEY is not set"));
  assert.equal(noKey.length, 1, bot.lines.join("\n"));
  assert.match(noKey[0]!, /«модель сейчас недоступна».*Set OPENAI_API_KEY/);

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
  await bot.waitForLine(/Skipped 1 redelivered update/);
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

Deno.test("bot process: killed with updates in hand and queued, restarted: one reply each", async () => {
  await using api = startFakeBotApi();
  await using db = await processDb();
  const first = startBot(db.env, api.apiRoot);
  await first.waitForLine(/^✅ Bot authorised as @soulnear_test_bot and polling/, 60_000);
  const people = [ALICE, BOB, { id: 100_003, first_name: "Вера" }, {
    id: 100_004,
    first_name: "Лев",
  }];
  const u = new Updates();
  // Replies hang: the updates are stored and confirmed, their handlers are cut off mid-way.
  api.holdReplies(true);
  const batch = people.flatMap((p) => [u.command(p, "/start"), u.text(p, "второе")]);
  api.push(...batch);
  const last = batch.at(-1)!.update_id;
  await api.waitFor((c) => c.filter((x) => x.method === "sendMessage").length >= people.length);
  while (api.confirmed <= last) await new Promise((r) => setTimeout(r, 20));
  first.kill("SIGKILL");
  await first.status;
  // The cut-off replies never reached Telegram.
  api.dropHeldReplies();
  await api.waitFor((c) => c.filter((x) => x.method === "sendMessage:dropped").length === 4);
  api.holdReplies(false);
  // Sent while the bot is down: Telegram keeps them.
  const late = u.command(ALICE, "/help");
  api.push(late);

  const second = startBot(db.env, api.apiRoot);
  await second.waitForLine(/update\(s\) left unfinished by a stopped process are handled again/);
  const done = () => api.calls.filter((c) => c.method === "sendMessage:done");
  await api.waitFor(() => done().length >= batch.length + 1, 30_000).catch((err) => {
    throw new Error(`${err.message}\n${second.lines.join("\n")}`);
  });
  await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show
  for (const p of people) {
    const replies = done().filter((c) => c.payload.chat_id === p.id).map((c) =>
      String(c.payload.text)
    );
    const expected = p === ALICE ? 3 : 2;
    assert.equal(replies.length, expected, `${p.first_name}: ${replies.join(" | ")}`);
    assert.match(replies[0]!, /^Привет!/, "the reply to /start comes first");
    assert.match(replies[1]!, /^⚠️/, "then the hint for the text sent at the consent step");
  }
  second.kill("SIGTERM");
  assert.equal((await second.status).code, 0, second.lines.join("\n"));
  assert.ok(!second.lines.some((l) => /^ERROR/.test(l)), second.lines.join("\n"));
});

Deno.test("bot process: killed mid-answer, restarted: the answer is finished in the same message", async () => {
  await using openai = await startOpenAiMock();
  // Drafts refused: the answer streams into a real message, which a kill leaves half-written.
  await using api = startFakeBotApi({ drafts: false });
  await using db = await processDb();
  const env = {
    ...db.env,
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_API_KEY: "sk-test",
    OPENAI_TIMEOUT_MS: "600000",
    OPENAI_MAX_RETRIES: "0",
    OPENAI_MODERATION_MODEL: "off",
    OPENAI_SAFETY_MODEL: "off",
    USE_CHAT_COMPLETION: "true",
    ENABLE_PATTERN_ANALYSIS: "false",
  };
  const first = startBot(env, api.apiRoot);
  await first.waitForLine(/^✅ Bot authorised as @soulnear_test_bot and polling/, 60_000);
  assert.ok(!first.lines.some((l) => l.includes("OPENAI_API_KEY")), "a key: no warning");
  const u = new Updates();
  const sent = () => api.calls.filter((c) => c.method === "sendMessage:done");
  api.push(u.command(ALICE, "/start"));
  await api.waitFor(() => sent().length === 1);
  const welcome = (sent()[0]!.result as { message_id: number }).message_id;
  api.push(
    ...[OB.consent, OB.nameDefault, OB.ageSkip, OB.genderSkip].map((d) =>
      u.callback(ALICE, d, welcome)
    ),
    u.command(ALICE, "/helper"),
  );
  await api.waitFor(() => sent().some((c) => String(c.payload.text).includes("Поговорить")));
  // The model writes slowly and stops half-way: the process is killed while it waits.
  const words = Array.from({ length: 12 }, (_, i) => `слово${i}`).join(" ");
  openai.script({
    kind: "chat",
    text: words,
    chunkDelayMs: 200,
    streamFault: "hang",
    streamFaultAfter: 10,
  });
  api.push(u.text(ALICE, "Мне тревожно"));
  await api.waitFor(() => sent().some((c) => String(c.payload.text).startsWith("слово0")));
  const half = (sent().at(-1)!.result as { message_id: number }).message_id;
  // A second preview of the same message: its id was recorded before it (one chain of work).
  await api.waitFor((calls) =>
    calls.some((c) => c.method === "editMessageText" && c.payload.message_id === half)
  );
  first.kill("SIGKILL");
  await first.status;
  const before = sent().length;

  openai.script({
    kind: "chat",
    text: "Слышу вас. Давайте разберёмся, что тревожит сильнее всего.",
  });
  const second = startBot(env, api.apiRoot);
  await second.waitForLine(/update\(s\) left unfinished by a stopped process are handled again/);
  const edits = () =>
    api.calls.filter((c) => c.method === "editMessageText" && c.payload.message_id === half);
  await api.waitFor(() => String(edits().at(-1)?.payload.text).startsWith("Слышу вас. Давайте"))
    .catch((err) => {
      throw new Error(`${err.message}\n${second.lines.join("\n")}`);
    });
  await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show
  assert.equal(
    String(edits().at(-1)!.payload.text),
    "Слышу вас. Давайте разберёмся, что тревожит сильнее всего.",
    "the whole answer, in the message the user saw half-written",
  );
  assert.equal(sent().length, before, "no new message: neither a second answer nor an apology");
  assert.equal(openai.requests.filter((r) => r.path.endsWith("/chat/completions")).length, 2);
  second.kill("SIGTERM");
  assert.equal((await second.status).code, 0, second.lines.join("\n"));
  for (const bot of [first, second]) {
    assert.ok(!bot.lines.some((l) => /^ERROR/.test(l)), bot.lines.join("\n"));
  }
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
