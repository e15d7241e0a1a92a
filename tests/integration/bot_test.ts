// The bot's middleware chain, in-process: dialog state stored per chat, per-chat ordering,
// redelivered updates ignored, every callback answered, errors logged with an apology.

import assert from "node:assert/strict";
import { startTestBot } from "../harness/bot.ts";
import { ALICE, BOB, Updates } from "../harness/telegram.ts";
import { START_PLACEHOLDER } from "../../src/bot/features/start.ts";
import { STALE_BUTTON, UNKNOWN_MESSAGE } from "../../src/bot/features/fallback.ts";
import { APOLOGY } from "../../src/bot/bot.ts";
import { registerCommands } from "../../src/bot/polling.ts";

Deno.test("/start answers and the chat's dialog state is stored in aiogram_states", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(ALICE, "/start"));
  assert.deepEqual(t.api.texts(), [START_PLACEHOLDER]);
  assert.equal(t.api.of("sendMessage")[0]?.chat_id, ALICE.id);
  const rows = await t.db.query<{ key: string; data: unknown }>(
    "SELECT key, data FROM aiogram_states",
  );
  assert.deepEqual(rows.map((r) => r.key), [String(ALICE.id)]);
  assert.equal(typeof rows[0]?.data, "object");
});

Deno.test("updates of one chat are handled in order even when a reply is slow", async () => {
  // The first reply takes 300 ms; without sequentialize the second would overtake it.
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
  assert.deepEqual(alice, [START_PLACEHOLDER, UNKNOWN_MESSAGE]);
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
  assert.ok(t.log.lines.some((l) => l.startsWith("Skipped a redelivered update")));
});

Deno.test("an unknown or stale button is answered, never left spinning", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.callback(ALICE, "no:such:button"));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [STALE_BUTTON]);
});

Deno.test("a failing handler is logged with the update id and the user gets an apology", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  t.api.failNext("sendMessage", 400, "Bad Request: can't parse entities");
  const update = u.command(ALICE, "/start");
  await t.send(update);
  const errors = t.log.lines.filter((l) => l.startsWith("ERROR Update failed"));
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, new RegExp(`update_id=${update.update_id}`));
  assert.deepEqual(t.api.texts().at(-1), APOLOGY);
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
