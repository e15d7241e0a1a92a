// The bot's middleware chain, in-process and fed through the durable inbox as polling feeds it:
// dialog state stored per chat, per-chat ordering, redelivered updates ignored, every callback
// answered, errors retried, then logged with an apology.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../harness/bot.ts";
import { ALICE, BOB, Updates } from "../harness/telegram.ts";
import { texts } from "../../src/bot/screens/onboarding_texts.ts";
import { STALE_BUTTON } from "../../src/bot/nav.ts";
import { APOLOGY } from "../../src/bot/bot.ts";
import { registerCommands } from "../../src/bot/polling.ts";
import { MENU } from "../../src/bot/nav.ts";
import { PROFILE } from "../../src/bot/nav.ts";
import { STYLE_UNAVAILABLE } from "../../src/bot/features/settings.ts";

Deno.test("/start answers and the chat's dialog state is stored in aiogram_states", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(ALICE, "/start"));
  assert.deepEqual(t.api.texts(), [texts.welcome]);
  assert.equal(t.api.of("sendMessage")[0]?.chat_id, ALICE.id);
  const rows = await t.db.query<{ key: string; data: Record<string, unknown> }>(
    "SELECT key, data FROM aiogram_states",
  );
  assert.deepEqual(rows.map((r) => r.key), [String(ALICE.id)]);
  assert.equal(rows[0]?.data.step, "consent");
});

Deno.test("updates of one chat are handled in order even when a reply is slow", async () => {
  // The first reply takes 300 ms; without the inbox's one-at-a-time per chat the second would
  // overtake it.
  let first = true;
  await using t = await startTestBot({
    delayMs: (c) => c.method === "sendMessage" && first ? (first = false, 300) : 0,
  });
  const u = new Updates();
  await Promise.all([
    t.handle(u.command(ALICE, "/start")),
    t.handle(u.text(ALICE, "привет")),
    t.handle(u.command(BOB, "/start")),
  ]);
  const alice = t.api.of("sendMessage").filter((p) => p.chat_id === ALICE.id).map((p) => p.text);
  assert.deepEqual(alice, [texts.welcome, `⚠️ ${texts.consentPlease}\n\n${texts.welcome}`]);
  // Another chat is not held up by Alice's slow reply.
  const order = t.api.of("sendMessage").map((p) => p.chat_id);
  assert.equal(order[1], BOB.id);
});

Deno.test("a redelivered update is handled once", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  const start = u.command(ALICE, "/start");
  await t.send(start, start);
  assert.equal(t.api.of("sendMessage").length, 1);
  assert.ok(t.log.lines.some((l) => l.startsWith("Skipped 1 redelivered update(s)")));
});

Deno.test("an unknown or stale button is answered, never left spinning", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.callback(ALICE, "no:such:button"));
  // Before consent every button leads back to the consent screen.
  await t.send(u.command(ALICE, "/start"), u.callback(ALICE, "ob:consent", 101));
  t.api.clear();
  await t.send(u.callback(ALICE, "no:such:button"));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [STALE_BUTTON]);
  assert.equal(t.api.of("sendMessage").length, 1, "the current screen is shown again");
});

Deno.test("a failing handler is logged with the update id and the user gets an apology", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  // Failing every time it is tried (3 attempts): then it is given up.
  t.api.failNext("sendMessage", 400, "Bad Request: can't parse entities", 3);
  const update = u.command(ALICE, "/start");
  await t.send(update);
  const errors = t.log.lines.filter((l) => l.startsWith("ERROR"));
  assert.equal(errors.length, 1, errors.join("\n"));
  assert.match(errors[0]!, /^ERROR Update failed/);
  assert.match(errors[0]!, new RegExp(`update_id=${update.update_id}`));
  assert.deepEqual(t.api.texts(), [texts.welcome, texts.welcome, texts.welcome, APOLOGY]);
  assert.ok(t.log.lines.some((l) => /update handled .*outcome=error/.test(l)));
});

Deno.test("no message text reaches the log", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(ALICE, "/start"), u.text(ALICE, "мне очень тревожно сегодня"));
  assert.ok(t.log.lines.length > 0);
  assert.ok(!t.log.lines.some((l) => l.includes("тревожно")));
});

Deno.test("a failing setMyCommands is a warning, not a crash", async () => {
  await using t = await startTestBot();
  t.api.failNext("setMyCommands", 500, "Internal Server Error");
  await registerCommands(t.bot, t.log);
  assert.ok(t.log.lines.some((l) => l.startsWith("WARN Cannot register bot commands")));
  assert.equal(t.api.of("setMyCommands").length >= 1, true);
});

Deno.test("every menu and profile button has a handler", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  for (const data of [...Object.values(MENU), ...Object.values(PROFILE)]) {
    t.api.clear();
    await t.send(u.callback(ALICE, data, 101));
    const answers = t.api.of("answerCallbackQuery");
    assert.equal(answers.length, 1, `${data} answered once`);
    assert.notEqual(answers[0]?.text, STALE_BUTTON, `${data} is handled`);
  }
});

Deno.test("with ENABLE_STYLE_SETTINGS off, style settings say they are unavailable", async () => {
  await using t = await startTestBot({ flags: { enableStyleSettings: { mode: "off" } } });
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/settings"), u.callback(ALICE, MENU.settings, 101));
  assert.deepEqual(t.api.texts(), [STYLE_UNAVAILABLE, STYLE_UNAVAILABLE]);
});

Deno.test("a first /start tapped twice at once registers one user and one welcome each", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await Promise.all([t.handle(u.command(ALICE, "/start")), t.handle(u.command(ALICE, "/start"))]);
  const [users] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
  assert.equal(users?.n, 1);
  const [day] = await t.db.query<{ new_users: number }>("SELECT new_users FROM statistic_day");
  assert.equal(day?.new_users, 1);
});
