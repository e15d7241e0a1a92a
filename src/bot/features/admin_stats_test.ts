// /admin's edges: the refresh button re-reads the day, a double tap on it, a screen too old to
// edit, the Moscow day boundary, and an admin who has not agreed to the terms yet.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../../../tests/harness/bot.ts";
import { ALICE, BOB, Updates } from "../../../tests/harness/telegram.ts";
import { ADMIN_REFRESH } from "./admin_stats.ts";
import { texts as obTexts } from "../screens/onboarding_texts.ts";

const TITLE = /^📊 <b>Сегодня, 24\.11\.2026<\/b> \(по Москве\)/;

function newUsersLine(text: string): string | undefined {
  return text.split("\n").find((l) => l.startsWith("👥"));
}

Deno.test("admin_stats: refresh re-reads the day: a user who came after /admin is counted on the refreshed screen", async () => {
  await using t = await startTestBot({ adminIds: [ALICE.id] });
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/admin"));
  const shown = t.api.calls.find((c) => c.method === "sendMessage")!;
  assert.match(String(shown.payload.text), TITLE);
  assert.equal(newUsersLine(String(shown.payload.text)), "👥 Новых пользователей: 1, активных: 1");
  const screen = (shown.result as { message_id: number }).message_id;

  await t.send(u.command(BOB, "/start"));
  t.api.clear();
  await t.send(u.callback(ALICE, ADMIN_REFRESH, screen));
  const edits = t.api.of("editMessageText");
  assert.equal(edits.length, 1);
  assert.equal(edits[0]!.message_id, screen, "the same message is refreshed");
  assert.equal(newUsersLine(String(edits[0]!.text)), "👥 Новых пользователей: 2, активных: 2");
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), ["Обновлено"]);
  assert.equal(t.api.of("sendMessage").length, 0);
});

Deno.test("admin_stats: a double tap on refresh with nothing new answers «Обновлено» and sends no second screen", async () => {
  await using t = await startTestBot({ adminIds: [ALICE.id] });
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/admin"));
  const screen = (t.api.calls.at(-1)!.result as { message_id: number }).message_id;
  t.api.clear();
  await t.send(u.callback(ALICE, ADMIN_REFRESH, screen));
  // Telegram refuses an edit to the very same text.
  t.api.failNext(
    "editMessageText",
    400,
    "Bad Request: message is not modified: specified new message content and reply markup are " +
      "exactly the same as a current content and reply markup of the message",
  );
  await t.send(u.callback(ALICE, ADMIN_REFRESH, screen));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), ["Обновлено", "Обновлено"]);
  assert.equal(t.api.of("sendMessage").length, 0);
  assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")));
});

Deno.test("admin_stats: refreshing a screen too old to edit sends the numbers as a new message", async () => {
  await using t = await startTestBot({ adminIds: [ALICE.id] });
  const u = new Updates();
  await onboard(t, u);
  t.api.failNext("editMessageText", 400, "Bad Request: message can't be edited");
  await t.send(u.callback(ALICE, ADMIN_REFRESH, 42));
  const sent = t.api.of("sendMessage");
  assert.equal(sent.length, 1);
  assert.match(String(sent[0]!.text), TITLE);
  assert.ok(
    JSON.stringify(sent[0]!.reply_markup).includes(ADMIN_REFRESH),
    "with its refresh button",
  );
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), ["Обновлено"]);
});

Deno.test("admin_stats: «today» is the Moscow day: a user who came at 23:59 Moscow time yesterday is not new today", async () => {
  // 20:59 UTC is 23:59 in Moscow on the 23rd; 21:01 UTC is already 00:01 on the 24th there,
  // while UTC still says the 23rd.
  let clock = new Date("2026-11-23T20:59:00Z");
  await using t = await startTestBot({ adminIds: [ALICE.id], now: () => clock });
  const u = new Updates();
  await t.send(u.command(BOB, "/start"));
  clock = new Date("2026-11-23T21:01:00Z");
  await onboard(t, u);
  await t.send(u.command(ALICE, "/admin"));
  const text = t.api.texts().at(-1)!;
  assert.match(text, TITLE);
  assert.equal(newUsersLine(text), "👥 Новых пользователей: 1, активных: 1");
});

Deno.test("admin_stats: an admin who has not agreed to the terms gets the consent screen, not the numbers", async () => {
  await using t = await startTestBot({ adminIds: [ALICE.id] });
  const u = new Updates();
  await t.send(u.command(ALICE, "/start"));
  t.api.clear();
  await t.send(u.command(ALICE, "/admin"), u.callback(ALICE, ADMIN_REFRESH, 101));
  assert.deepEqual(t.api.texts(), [obTexts.welcome, obTexts.welcome]);
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [obTexts.consentFirst]);
  assert.ok(!t.api.texts().some((x) => x.startsWith("📊")));
});
