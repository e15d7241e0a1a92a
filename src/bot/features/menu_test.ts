// /menu's and «В меню»'s edges: the menu ends a chat or a quiz in the middle (the quiz stays
// resumable), a screen too old to edit gets the menu anew, and every showing is counted.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../../../tests/harness/bot.ts";
import { count } from "../../../tests/harness/db.ts";
import { ALICE, Updates } from "../../../tests/harness/telegram.ts";
import { startOpenAiMock } from "../../../tests/harness/openai_mock.ts";
import { MENU, menuScreen } from "../nav.ts";
import { UNKNOWN_TEXT } from "./fallback.ts";
import { QUIZ } from "../screens/quiz.ts";

const MENU_TEXT = menuScreen().text;

Deno.test("menu: /menu in a chat ends it: the text sent next gets the section hint and never reaches the model", async () => {
  await using openai = await startOpenAiMock();
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.command(ALICE, "/menu"), u.text(ALICE, "мне тревожно"));
  assert.deepEqual(t.api.texts(), [MENU_TEXT, UNKNOWN_TEXT]);
  assert.equal(openai.requests.length, 0);
  assert.equal(await count(t, "conversation_history"), 0);
  const states = await t.db.query("SELECT key FROM aiogram_states");
  assert.deepEqual(states, [], "no dialog state is left behind");
});

Deno.test("menu: «В меню» in a quiz leaves it paused: a number typed next is not taken as an answer and the quiz stays active", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.callback(ALICE, QUIZ.start("money"), 101), u.text(ALICE, "4"));
  t.api.clear();
  await t.send(u.callback(ALICE, MENU.main, 102), u.text(ALICE, "5"));
  assert.deepEqual(t.api.texts(), [MENU_TEXT, UNKNOWN_TEXT]);
  const sessions = await t.db.query<{ status: string; n: number }>(
    "SELECT status, jsonb_array_length(answers)::int AS n FROM quiz_sessions",
  );
  assert.deepEqual(sessions, [{ status: "active", n: 1 }]);
});

Deno.test("menu: «В меню» on a message too old to edit sends the menu anew, answered once without a toast", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  t.api.failNext("editMessageText", 400, "Bad Request: message can't be edited");
  await t.send(u.callback(ALICE, MENU.main, 7));
  assert.deepEqual(t.api.of("sendMessage").map((p) => p.text), [MENU_TEXT]);
  assert.equal(t.api.of("sendMessage")[0]!.chat_id, ALICE.id);
  const answers = t.api.of("answerCallbackQuery");
  assert.equal(answers.length, 1);
  assert.equal(answers[0]!.text, undefined);
  assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")));
});

Deno.test("menu: every /menu and «В меню» is counted once in the day's menu statistic", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  const menus = async () =>
    (await t.db.query<{ menu: number }>("SELECT menu FROM statistic_day"))[0]?.menu ?? 0;
  const before = await menus();
  await t.send(
    u.command(ALICE, "/menu"),
    u.callback(ALICE, MENU.main, 101),
    u.command(ALICE, "/menu"),
  );
  assert.equal(await menus(), before + 3);
  assert.equal(t.api.texts().filter((x) => x === MENU_TEXT).length, 3);
});
