// /sos and the pre-consent triage on their own: /sos keeps the quiz or chat the user is in, shows
// a saved plan first, and a crisis typed during onboarding (after consent) gets help.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../../../tests/harness/bot.ts";
import { count, userRow } from "../../../tests/harness/db.ts";
import { ALICE, buttons, Updates } from "../../../tests/harness/telegram.ts";
import { scriptedText, startOpenAiMock } from "../../../tests/harness/openai_mock.ts";
import { crisisText, PLAN, planText, sosText } from "../screens/crisis.ts";
import { OB } from "../screens/onboarding.ts";
import { texts } from "../screens/onboarding_texts.ts";
import { QUIZ } from "../screens/quiz.ts";
import { getPlan, savePlanStep } from "../../safety/plan.ts";
import { loadHelplines } from "../../safety/helplines.ts";

const helplines = await loadHelplines();

Deno.test("sos: /sos in the middle of a quiz keeps the quiz — the next typed answer is recorded", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/quiz"), u.callback(ALICE, QUIZ.start("fears"), 102));
  t.api.clear();
  await t.send(u.command(ALICE, "/sos"));
  assert.deepEqual(t.api.texts(), [sosText(helplines, false)]);
  assert.equal(await count(t, "safety_events", { kind: "sos" }), 1);
  await t.send(u.text(ALICE, "4"));
  assert.match(t.api.texts().at(-1)!, /Вопрос 2 из/);
  const [s] = await t.db.query<{ answers: Array<{ value?: number }> }>(
    "SELECT answers FROM quiz_sessions",
  );
  assert.deepEqual(s!.answers.map((a) => a.value), [4]);
});

Deno.test("sos: /sos in a chat keeps the chat — the next message is answered by the model", async () => {
  await using openai = await startOpenAiMock();
  scriptedText(openai, "Я рядом. Что сейчас происходит?");
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.command(ALICE, "/sos"), u.text(ALICE, "Просто очень устала."));
  assert.equal(openai.requests.length, 1);
  assert.equal(t.api.texts().at(-1), "Я рядом. Что сейчас происходит?");
});

Deno.test("sos: with a saved plan, /sos shows the plan first and offers to change it", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await savePlanStep(t.db, ALICE.id, "coping", "горячий душ & прогулка", new Date());
  await t.send(u.command(ALICE, "/sos"));
  const plan = await getPlan(t.db, ALICE.id);
  assert.deepEqual(t.api.texts(), [planText(plan!), sosText(helplines, true)]);
  const card = t.api.of("sendMessage")[1];
  assert.ok(buttons(card).includes(PLAN.open));
  assert.equal(t.api.of("sendMessage")[0]!.reply_markup, undefined, "the plan is just text");
});

// Onboarding's steps after consent reach no model and no chat's triage: the offline analyser
// reads them (a crisis typed as the name was once saved as the name and answered «Сколько вам
// лет?»).
Deno.test({
  name:
    "sos: a crisis typed at the name step after consent gets the crisis card and is not saved as the name",
  fn: async () => {
    await using t = await startTestBot();
    const u = new Updates();
    await t.send(u.command(ALICE, "/start"), u.callback(ALICE, OB.consent, 101));
    t.api.clear();
    await t.send(u.text(ALICE, "Хочу покончить с собой"));
    assert.ok(!t.api.texts().includes(texts.askAge), "the onboarding went on as if nothing");
    assert.ok(t.api.texts().includes(crisisText(helplines)));
    const row = await userRow(t, ALICE);
    assert.equal(row!.display_name, null);
  },
});
