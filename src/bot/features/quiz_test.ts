// The quiz composer's own edge cases: double taps, buttons of answered questions and abandoned
// sessions, forged answer values, someone else's session id, and commands in the middle of a quiz.

import assert from "node:assert/strict";
import { onboard, onboardAs, startTestBot, type TestBot } from "../../../tests/harness/bot.ts";
import { ALICE, BOB, Updates } from "../../../tests/harness/telegram.ts";
import { listScreen, QUIZ } from "../screens/quiz.ts";
import { STALE_BUTTON } from "../nav.ts";
import { UNKNOWN_TEXT } from "./fallback.ts";
import { ALREADY_ANSWERED, QUIZ_FINISHED } from "./quiz.ts";

interface Row {
  id: number;
  user_id: string;
  status: string;
  answers: Array<{ question: string; value?: number; option?: string }>;
}

async function sessions(t: TestBot): Promise<Row[]> {
  return await t.db.query<Row>(
    "SELECT id::int AS id, user_id::text AS user_id, status, answers FROM quiz_sessions ORDER BY id",
  );
}

/**
 * ALICE onboarded, in the fears quiz at its first (scale) question, shown in message 102; the
 * calls made so far are forgotten.
 */
async function inFearsQuiz(t: TestBot, u: Updates) {
  await onboard(t, u);
  await t.send(
    u.command(ALICE, "/quiz"),
    u.callback(ALICE, QUIZ.intro("fears"), 102),
    u.callback(ALICE, QUIZ.start("fears"), 102),
  );
  assert.match(t.api.texts().at(-1)!, /Вопрос 1 из/);
  t.api.clear();
}

Deno.test("quiz: a double tap on an answer button records one answer and the second tap is answered silently", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await inFearsQuiz(t, u);
  const [s] = await sessions(t);
  const tap = () => u.callback(ALICE, QUIZ.answer(s!.id, 0, "5"), 102);
  await t.send(tap(), tap());
  const [after] = await sessions(t);
  assert.deepEqual(after!.answers.map((a) => a.value), [5]);
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [undefined, undefined]);
  // Only the first tap moved the screen on; the second neither edits nor sends anything.
  assert.equal(t.api.of("editMessageText").length, 1);
  assert.match(String(t.api.of("editMessageText")[0]!.text), /Вопрос 2 из/);
  assert.equal(t.api.of("sendMessage").length, 0);
});

Deno.test("quiz: a button of an already answered question on an older message gets a toast and the current question anew", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await inFearsQuiz(t, u);
  const [s] = await sessions(t);
  // Typed answer: the second question arrives as a new message, message 102 keeps question 1.
  await t.send(u.text(ALICE, "5"));
  t.api.clear();
  await t.send(u.callback(ALICE, QUIZ.answer(s!.id, 0, "3"), 102));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [ALREADY_ANSWERED]);
  assert.equal(t.api.of("sendMessage").length, 1);
  assert.match(String(t.api.of("sendMessage")[0]!.text), /Вопрос 2 из/);
  const [after] = await sessions(t);
  assert.deepEqual(after!.answers.map((a) => a.value), [5], "the first answer stands");
});

Deno.test("quiz: forged answer values (off the scale, skip on a scale question, another question's option) record nothing", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await inFearsQuiz(t, u);
  const [s] = await sessions(t);
  // Question 1 is a 1–5 scale; "delegate" is an option of question 2.
  for (const value of ["9", "0", "skip", "delegate"]) {
    await t.send(u.callback(ALICE, QUIZ.answer(s!.id, 0, value), 50));
  }
  const [after] = await sessions(t);
  assert.deepEqual(after!.answers, []);
  assert.deepEqual(
    t.api.of("answerCallbackQuery").map((p) => p.text),
    [STALE_BUTTON, STALE_BUTTON, STALE_BUTTON, STALE_BUTTON],
  );
  // Each time the question still waiting for an answer is shown again.
  assert.ok(t.api.texts().every((text) => /Вопрос 1 из/.test(text)));
  assert.equal(t.api.texts().length, 4);
});

Deno.test("quiz: an answer button carrying someone else's session id is refused and their quiz is untouched", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboardAs(t, u, BOB);
  await t.send(u.command(BOB, "/quiz"), u.callback(BOB, QUIZ.start("fears")));
  await onboard(t, u);
  const [bobs] = await sessions(t);
  assert.equal(bobs!.user_id, String(BOB.id));
  await t.send(u.callback(ALICE, QUIZ.answer(bobs!.id, 0, "5"), 50));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [QUIZ_FINISHED]);
  const sent = t.api.of("sendMessage");
  assert.deepEqual(sent.map((p) => p.chat_id), [ALICE.id]);
  assert.match(String(sent[0]!.text), /Квизы/, "Alice gets the list of quizzes");
  const after = await sessions(t);
  assert.equal(after.length, 1, "no session was started for Alice");
  assert.deepEqual(after[0]!.answers, []);
  assert.equal(after[0]!.status, "active");
});

Deno.test("quiz: after «Начать заново» the abandoned session's buttons say the quiz is finished and show the new quiz's question", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await inFearsQuiz(t, u);
  const [first] = await sessions(t);
  await t.send(u.callback(ALICE, QUIZ.answer(first!.id, 0, "4"), 102));
  // Back to the list in a new message (103), and start the same quiz over from its intro.
  await t.send(
    u.command(ALICE, "/quiz"),
    u.callback(ALICE, QUIZ.intro("fears"), 103),
    u.callback(ALICE, QUIZ.start("fears"), 103),
  );
  t.api.clear();
  // Message 102 still shows the first session's question 2.
  await t.send(u.callback(ALICE, QUIZ.answer(first!.id, 1, "delegate"), 102));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [QUIZ_FINISHED]);
  assert.equal(t.api.of("sendMessage").length, 1);
  assert.match(String(t.api.of("sendMessage")[0]!.text), /Вопрос 1 из/);
  const rows = await sessions(t);
  assert.deepEqual(rows.map((r) => [r.status, r.answers.length]), [
    ["abandoned", 1],
    ["active", 0],
  ]);
});

Deno.test("quiz: a command in the middle of a quiz ends the flow — a typed «5» is no longer an answer, and the quiz stays resumable", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await inFearsQuiz(t, u);
  await t.send(u.command(ALICE, "/settings"), u.text(ALICE, "5"));
  assert.equal(t.api.texts().at(-1), UNKNOWN_TEXT);
  const [s] = await sessions(t);
  assert.deepEqual([s!.status, s!.answers.length], ["active", 0]);
  t.api.clear();
  await t.send(u.command(ALICE, "/quiz"));
  // The list offers to continue the fears quiz.
  assert.deepEqual(
    t.api.of("sendMessage")[0]!.reply_markup,
    structuredClone(listScreen(["fears"]).keyboard),
  );
});
