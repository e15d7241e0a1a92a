// The last handler's edges: an unknown command or button in the middle of onboarding or a chat
// leaves that flow where it was, and callback data that only resembles a real button is stale.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../../../tests/harness/bot.ts";
import { count, userRow } from "../../../tests/harness/db.ts";
import { ALICE, Updates } from "../../../tests/harness/telegram.ts";
import { startOpenAiMock } from "../../../tests/harness/openai_mock.ts";
import { UNKNOWN_COMMAND, UNKNOWN_TEXT } from "./fallback.ts";
import { concernLine, crisisText } from "../screens/crisis.ts";
import { loadHelplines } from "../../safety/helplines.ts";
import { MENU, menuScreen, STALE_BUTTON } from "../nav.ts";
import { OB } from "../screens/onboarding.ts";
import { texts } from "../screens/onboarding_texts.ts";
import { APOLOGY } from "../bot.ts";
import { QUIZ } from "../screens/quiz.ts";
import { PLAN } from "../screens/crisis.ts";

Deno.test("fallback: an unknown /command while onboarding asks for a name gets the unknown-command answer, and the name typed next is still taken", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(ALICE, "/start"), u.callback(ALICE, OB.consent, 101));
  t.api.clear();
  await t.send(u.command(ALICE, "/nonsense"));
  assert.deepEqual(t.api.texts(), [UNKNOWN_COMMAND]);
  t.api.clear();
  await t.send(u.text(ALICE, "Маша"));
  assert.deepEqual(t.api.texts(), [texts.askAge]);
  assert.equal((await userRow(t, ALICE))?.display_name, "Маша");
});

Deno.test("fallback: an unknown button at onboarding's age step is answered once with the stale toast and asks the age again, not the menu", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(
    u.command(ALICE, "/start"),
    u.callback(ALICE, OB.consent, 101),
    u.callback(ALICE, OB.nameDefault, 101),
  );
  t.api.clear();
  await t.send(u.callback(ALICE, "legacy:purpose", 101));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [STALE_BUTTON]);
  assert.deepEqual(t.api.of("sendMessage").map((p) => p.text), [texts.askAge]);
  assert.equal(t.api.of("editMessageText").length, 0, "the old message is left alone");
  t.api.clear();
  await t.send(u.text(ALICE, "33"));
  assert.deepEqual(t.api.texts(), [texts.askGender]);
  assert.equal((await userRow(t, ALICE))?.age, 33);
});

Deno.test("fallback: callback data that only resembles a real button is stale and shows the menu anew", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  const forged = [
    `${MENU.main}:x`,
    `${MENU.main} `,
    MENU.main.toUpperCase(),
    "menu:",
    "menu:main\n",
  ];
  for (const data of forged) await t.send(u.callback(ALICE, data, 101));
  assert.deepEqual(
    t.api.of("answerCallbackQuery").map((p) => p.text),
    forged.map(() => STALE_BUTTON),
  );
  assert.deepEqual(t.api.of("sendMessage").map((p) => p.text), forged.map(() => menuScreen().text));
  assert.equal(t.api.of("editMessageText").length, 0);
});

Deno.test("fallback: a button with an id no row can have is stale, and the database never sees it", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.callback(ALICE, PLAN.start, 101)); // a flow whose screen the stale answer shows
  t.api.clear();
  const ids = ["99999999999999999999", "9223372036854775807", "1234567890123456", "-1", "1.5", ""];
  const forged = ids.flatMap((id) => [
    `chat:retry:${id}`,
    `chat:held:${id}`,
    `pay:plan:${id}`,
    `pay:check:${id}`,
    `pay:cancel:${id}`,
    `safety:fa:${id}`,
    `quiz:a:${id}:0:1`,
    `quiz:a:1:${id}:1`,
    `plan:step:${id}`,
    `plan:skip:${id}`,
  ]);
  for (const data of forged) await t.send(u.callback(ALICE, data, 101));
  assert.deepEqual(
    t.api.of("answerCallbackQuery").map((p) => p.text),
    forged.map(() => STALE_BUTTON),
  );
  assert.equal(new Set(t.api.texts()).size, 1, "the plan's step, shown again each time");
  assert.ok(!t.api.texts().includes(APOLOGY));
  assert.deepEqual(t.log.lines.filter((l) => l.startsWith("ERROR")), []);
});

Deno.test("fallback: an unknown /command in a chat never reaches the model, and the chat goes on after it", async () => {
  await using openai = await startOpenAiMock();
  openai.script({ kind: "chat", text: "Я слушаю. Что случилось?" });
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.command(ALICE, "/nonsense мне грустно"));
  assert.deepEqual(t.api.texts(), [UNKNOWN_COMMAND]);
  assert.equal(openai.requests.length, 0);
  assert.equal(
    await count(t, "conversation_history"),
    0,
    "the command is not kept as a chat message",
  );
  t.api.clear();
  await t.send(u.text(ALICE, "мне грустно"));
  assert.equal(openai.requests.filter((r) => r.path === "/v1/chat/completions").length, 1);
  assert.ok(t.api.texts().includes("Я слушаю. Что случилось?"));
  assert.ok(!t.api.texts().includes(APOLOGY));
});

Deno.test("fallback: an unknown /command in a quiz gets the unknown-command answer, and the answer typed next is recorded", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.callback(ALICE, QUIZ.start("money"), 101));
  t.api.clear();
  await t.send(u.command(ALICE, "/5"));
  assert.deepEqual(t.api.texts(), [UNKNOWN_COMMAND]);
  const answers = async () =>
    (await t.db.query<{ n: number }>(
      "SELECT jsonb_array_length(answers)::int AS n FROM quiz_sessions WHERE status = 'active'",
    ))[0]?.n;
  assert.equal(await answers(), 0, "the command is not taken as an answer");
  await t.send(u.text(ALICE, "4"));
  assert.equal(await answers(), 1);
});

Deno.test("fallback: a crisis typed outside any chat gets the crisis card, not the section hint", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  const helplines = await loadHelplines();
  await t.send(u.text(ALICE, "не хочу больше жить, сегодня всё закончу"));
  assert.deepEqual(t.api.texts(), [crisisText(helplines)]);
  t.api.clear();
  // A hard message that is not acute gets the soft line with help, then the hint as before.
  await t.send(u.text(ALICE, "иногда думаю, что всем было бы лучше без меня"));
  const texts = t.api.texts();
  assert.equal(texts.at(-1), UNKNOWN_TEXT);
  assert.equal(texts.length, 2, texts.join(" | "));
  assert.equal(texts[0], concernLine(helplines));
  // Nothing of it is stored: no model read it.
  assert.equal(await count(t, "conversation_history"), 0);
});
