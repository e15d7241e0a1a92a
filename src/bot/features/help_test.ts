// /help's and the help button's edges: it explains every registered command, interrupts no flow
// (onboarding, a chat), works without current consent while its «В меню» does not, and a double
// tap changes nothing.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../../../tests/harness/bot.ts";
import { userRow } from "../../../tests/harness/db.ts";
import { ALICE, Updates } from "../../../tests/harness/telegram.ts";
import { startOpenAiMock } from "../../../tests/harness/openai_mock.ts";
import { helpText } from "./help.ts";
import { BOT_COMMANDS } from "../commands.ts";
import { MENU } from "../nav.ts";
import { OB } from "../screens/onboarding.ts";
import { texts } from "../screens/onboarding_texts.ts";
import { loadHelplines } from "../../safety/helplines.ts";

Deno.test("help: /help explains every command of Telegram's command menu", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(ALICE, "/help"));
  const [shown] = t.api.texts();
  assert.ok(shown?.startsWith("❓ <b>Помощь</b>"));
  // /start and /help itself need no explanation inside /help.
  const missing = BOT_COMMANDS.map((c) => c.command)
    .filter((c) => c !== "start" && c !== "help")
    .filter((c) => !new RegExp(`^/${c} — `, "m").test(shown!));
  assert.deepEqual(missing, []);
});

Deno.test("help: /help while onboarding asks for a name keeps the step: the name typed next is still taken", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(ALICE, "/start"), u.callback(ALICE, OB.consent, 101));
  t.api.clear();
  await t.send(u.command(ALICE, "/help"), u.text(ALICE, "Маша"));
  const shown = t.api.texts();
  assert.equal(shown.length, 2);
  assert.ok(shown[0]!.startsWith("❓ <b>Помощь</b>"));
  assert.equal(shown[1], texts.askAge);
  const row = await userRow(t, ALICE);
  assert.equal(row?.display_name, "Маша");
});

Deno.test("help: /help in a chat keeps the chat: the text sent next is answered by the assistant", async () => {
  await using openai = await startOpenAiMock();
  openai.script({ kind: "chat", text: "Понимаю. Расскажите подробнее." });
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.command(ALICE, "/help"), u.text(ALICE, "мне тревожно"));
  assert.equal(openai.requests.filter((r) => r.path === "/v1/chat/completions").length, 1);
  assert.ok(t.api.texts().includes("Понимаю. Расскажите подробнее."));
});

Deno.test("help: after the terms changed, an old menu's help button still shows help, but its «В меню» asks for consent first", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.db.query("UPDATE users SET consent_version = 'old' WHERE id = $1", [ALICE.id]);
  await t.send(u.callback(ALICE, MENU.help, 101));
  const h = await loadHelplines();
  assert.deepEqual(t.api.of("editMessageText").map((p) => p.text), [helpText(h)]);
  t.api.clear();
  await t.send(u.callback(ALICE, MENU.main, 101));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [texts.consentFirst]);
  assert.deepEqual(t.api.texts(), [texts.welcome]);
  assert.ok(JSON.stringify(t.api.of("sendMessage")[0]!.reply_markup).includes(OB.consent));
});

Deno.test("help: a double tap on the help button answers both taps and sends no second screen", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.callback(ALICE, MENU.help, 101));
  t.api.failNext(
    "editMessageText",
    400,
    "Bad Request: message is not modified: specified new message content and reply markup are " +
      "exactly the same as a current content and reply markup of the message",
  );
  await t.send(u.callback(ALICE, MENU.help, 101));
  assert.equal(t.api.of("answerCallbackQuery").length, 2);
  assert.ok(t.api.of("answerCallbackQuery").every((p) => p.text === undefined), "no toast");
  assert.equal(t.api.of("editMessageText").length, 2);
  assert.equal(t.api.of("sendMessage").length, 0);
  assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")));
});
