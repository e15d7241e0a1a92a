// The crisis card's and check-in's buttons on their own: «Я не это имел(а) в виду» tapped twice,
// after «Я в безопасности», with someone else's message id or from another chat; «Я в
// безопасности» tapped twice.

import assert from "node:assert/strict";
import { onboard, onboardAs, startTestBot, TEST_NOW } from "../../../tests/harness/bot.ts";
import { count, history, userRow } from "../../../tests/harness/db.ts";
import { ALICE, BOB, Updates } from "../../../tests/harness/telegram.ts";
import { scriptedText, startOpenAiMock } from "../../../tests/harness/openai_mock.ts";
import { FALSE_ALARM } from "../screens/crisis.ts";
import { BUTTON_GONE, SAFETY } from "../triage.ts";
import { GENTLE_MS } from "../../safety/store.ts";

const ACUTE = "Хочу покончить с собой, всем будет лучше без меня";

Deno.test("safety: «Я не это имел(а) в виду» tapped twice answers the message once; the second tap says the button is gone", async () => {
  await using openai = await startOpenAiMock();
  scriptedText(openai, "Понимаю, экзамены выматывают.");
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, ACUTE));
  const [kept] = await history(t);
  t.api.clear();
  const tap = () => u.callback(ALICE, SAFETY.falseAlarm(kept!.id), 103);
  await t.send(tap(), tap());
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [undefined, BUTTON_GONE]);
  assert.equal(t.api.texts().filter((text) => text === FALSE_ALARM).length, 1);
  assert.equal(openai.requests.length, 1, "the model is asked once");
  assert.deepEqual((await history(t)).map((r) => [r.role, r.status]), [
    ["user", "answered"],
    ["assistant", "answered"],
  ]);
  assert.equal(await count(t, "safety_events", { kind: "false_alarm" }), 1);
});

Deno.test("safety: «Я не это имел(а) в виду» after «Я в безопасности» is refused and the kept message stays unanswered", async () => {
  await using openai = await startOpenAiMock();
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, ACUTE), u.text(ALICE, "ладно"));
  const [kept] = await history(t);
  await t.send(u.callback(ALICE, SAFETY.better, 104));
  t.api.clear();
  await t.send(u.callback(ALICE, SAFETY.falseAlarm(kept!.id), 103));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [BUTTON_GONE]);
  assert.deepEqual(t.api.texts(), []);
  assert.equal(openai.requests.length, 0);
  assert.deepEqual((await history(t)).map((r) => r.status), ["crisis"]);
  assert.equal(await count(t, "safety_events", { kind: "false_alarm" }), 0);
});

Deno.test("safety: a false-alarm button carrying someone else's message id answers nothing of theirs", async () => {
  await using openai = await startOpenAiMock();
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboardAs(t, u, BOB, "/helper");
  await t.send(u.text(BOB, ACUTE));
  const [bobs] = await history(t);
  assert.equal(bobs!.user_id, String(BOB.id));
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, ACUTE));
  t.api.clear();
  await t.send(u.callback(ALICE, SAFETY.falseAlarm(bobs!.id), 50));
  assert.ok(!t.api.texts().includes(FALSE_ALARM));
  assert.equal(openai.requests.length, 0, "Bob's message is never sent to the model");
  assert.equal((await history(t)).find((r) => r.id === bobs!.id)!.status, "crisis");
  assert.notEqual((await userRow(t, BOB))!.crisis_since, null, "Bob is still in crisis mode");
});

Deno.test("safety: a false alarm from /soulsleep tapped after moving to /helper is answered in the dream chat", async () => {
  await using openai = await startOpenAiMock();
  scriptedText(openai, "Похоже, сон о высоте и страхе.", "Расскажите ещё.");
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/soulsleep");
  await t.send(u.text(ALICE, "сон тут ни при чём. я стою на балконе за перилами и думаю прыгнуть"));
  const [kept] = await history(t);
  assert.deepEqual([kept!.assistant, kept!.status], ["soulsleep", "crisis"]);
  await t.send(u.command(ALICE, "/helper"), u.callback(ALICE, SAFETY.falseAlarm(kept!.id), 103));
  await t.send(u.text(ALICE, "А ещё мне снилась лестница."));
  const rows = await history(t);
  assert.deepEqual(rows.map((r) => [r.assistant, r.role, r.status]), [
    ["soulsleep", "user", "answered"],
    ["soulsleep", "assistant", "answered"],
    ["soulsleep", "user", "answered"],
    ["soulsleep", "assistant", "answered"],
  ]);
});

Deno.test("safety: «Я в безопасности» tapped twice records one resolution and does not move the gentle day", async () => {
  let now = new Date(TEST_NOW);
  await using t = await startTestBot({ now: () => now });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, ACUTE), u.text(ALICE, "ладно"));
  const resolvedAt = now;
  await t.send(u.callback(ALICE, SAFETY.better, 104));
  now = new Date(resolvedAt.getTime() + 60 * 60 * 1000);
  await t.send(u.callback(ALICE, SAFETY.better, 104));
  assert.equal(await count(t, "safety_events", { kind: "resolved" }), 1);
  const user = await userRow(t, ALICE);
  assert.equal(user!.crisis_since, null);
  assert.equal(user!.gentle_until!.getTime(), resolvedAt.getTime() + GENTLE_MS);
});
