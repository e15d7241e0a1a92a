// A quiz result cut off by a dying worker (tests/harness/dying_worker.ts): the last answer's
// update is taken up again and the result is written into the «⏳ Собираю ваш результат…» message —
// once, stored and counted once — or, when the update is parked, that message becomes a notice
// with «🔁 Повторить», which resumes the quiz at its end and brings the result.

import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { onboard, startTestBot, type TestBot } from "../harness/bot.ts";
import { ALICE, buttons, Updates } from "../harness/telegram.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import { count } from "../harness/db.ts";
import { finalTexts, leaseRunsOut, shownBy, takenByDyingWorker } from "../harness/dying_worker.ts";
import { claimUpdates } from "../../src/inbox/inbox.ts";
import { QUIZ } from "../../src/bot/screens/quiz.ts";
import { QUIZ_INTERRUPTED, WAIT_RESULT } from "../../src/bot/quiz_result.ts";
import { APOLOGY } from "../../src/bot/bot.ts";
import { loadQuizBanks } from "../../src/quiz/content.ts";
import { type Answer, nextQuestion } from "../../src/quiz/engine.ts";
import { getSession, planOf, saveAnswer } from "../../src/quiz/sessions.ts";

const RESULT = "Вы бережно относитесь к своим страхам и умеете их замечать.";

/**
 * ALICE in the fears quiz with every question answered (by its first button) but the last;
 * returns the tap that answers the last one, on the message showing it.
 */
async function atLastQuestion(t: TestBot, u: Updates): Promise<Update> {
  await onboard(t, u);
  await t.send(u.command(ALICE, "/quiz"), u.callback(ALICE, QUIZ.start("fears"), 102));
  for (;;) {
    const screen = t.api.calls.findLast((c) => buttons(c.payload).some(isAnswer))!;
    const [, n, of] = /Вопрос (\d+) из (\d+)/.exec(String(screen.payload.text))!;
    const id = screen.method === "editMessageText"
      ? Number(screen.payload.message_id)
      : (screen.result as { message_id: number }).message_id;
    const tap = u.callback(ALICE, buttons(screen.payload).find(isAnswer)!, id);
    if (n === of) return tap;
    await t.send(tap);
  }
}

const isAnswer = (data: string) => data.startsWith("quiz:a:");

async function session(t: TestBot) {
  const [row] = await t.db.query<{ status: string; result: string | null }>(
    "SELECT status, result FROM quiz_sessions",
  );
  return row;
}

async function setUp() {
  const openai = await startOpenAiMock();
  const t = await startTestBot({ openaiBaseUrl: openai.baseUrl, openaiTimeoutMs: 600_000 });
  const u = new Updates();
  const last = await atLastQuestion(t, u);
  t.api.clear();
  // The model is slow to write the result: the worker dies while it waits.
  openai.script({ kind: "chat", text: "никогда не дойдёт", delayMs: 600_000 });
  const { abandoned } = await takenByDyingWorker(t, last);
  const [wait] = await shownBy(t, last.update_id);
  assert.equal(finalTexts(t).get(wait!), WAIT_RESULT);
  return { openai, t, u, last, wait: wait!, abandoned };
}

Deno.test("interrupted quiz: the result is written into the waiting message once, after the update is taken up again", async () => {
  const { openai, t, last, wait, abandoned } = await setUp();
  await using _openai = openai;
  await using _t = t;
  openai.script({ kind: "chat", text: RESULT });
  await leaseRunsOut(t);
  await t.worker.drain();
  assert.deepEqual([...finalTexts(t)], [[wait, RESULT]], "the result, in the waiting message");
  assert.equal(t.api.of("sendMessage").length, 0, "no second message");
  assert.deepEqual(await session(t), { status: "completed", result: RESULT });
  assert.equal(await count(t, "statistic_day", { quiz_completed: 1 }), 1);
  assert.deepEqual(await shownBy(t, last.update_id), [wait]);
  assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")), t.log.lines.join("\n"));

  // The dead worker's model call fails at last: its fallback result is not stored or shown.
  t.api.clear();
  await openai.close();
  await abandoned;
  assert.deepEqual(t.api.calls.map((c) => c.method), []);
  assert.deepEqual(await session(t), { status: "completed", result: RESULT });
  assert.equal(await count(t, "statistic_day", { quiz_completed: 1 }), 1);
});

Deno.test("interrupted quiz: parked, the waiting message offers «🔁 Повторить», which brings the result", async () => {
  const { openai, t, u, last, wait, abandoned } = await setUp();
  await using _openai = openai;
  await using _t = t;
  for (const worker of ["elsewhere:1:dead", "elsewhere:2:dead"]) {
    await leaseRunsOut(t);
    assert.equal((await claimUpdates(t.db, worker, 10, 30_000)).length, 1);
  }
  await leaseRunsOut(t);
  await t.worker.drain();
  const notice = t.api.calls.findLast((c) => c.method === "editMessageText")!;
  assert.deepEqual([notice.payload.message_id, notice.payload.text], [wait, QUIZ_INTERRUPTED]);
  assert.ok(buttons(notice.payload).includes(QUIZ.resume("fears")));
  assert.ok(!t.api.texts().includes(APOLOGY));
  assert.equal((await session(t))?.status, "active", "the answers are kept");
  assert.deepEqual(await shownBy(t, last.update_id), [wait]);

  openai.script({ kind: "chat", text: RESULT });
  await t.send(u.callback(ALICE, QUIZ.resume("fears"), wait));
  assert.equal(finalTexts(t).get(wait), RESULT);
  assert.deepEqual(await session(t), { status: "completed", result: RESULT });
  assert.equal(await count(t, "statistic_day", { quiz_completed: 1 }), 1);

  await openai.close();
  await abandoned;
  assert.equal(finalTexts(t).get(wait), RESULT);
  assert.equal(await count(t, "statistic_day", { quiz_completed: 1 }), 1);
});

Deno.test("interrupted quiz: a last answer stored by a worker that died before the result began gets its result", async () => {
  await using openai = await startOpenAiMock();
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  const last = await atLastQuestion(t, u);
  // The worker stored the last answer, as the tap asked, and died.
  const tap = last.callback_query!;
  const [, id, position, value] = /^quiz:a:(\d+):(\d+):(\w+)$/.exec(tap.data!)!;
  const s = (await getSession(t.db, Number(id), ALICE.id))!;
  const q = nextQuestion((await loadQuizBanks()).get(s.category)!, planOf(s), s.answers)!;
  const answer: Answer = q.type === "open"
    ? { question: q.id, skipped: true }
    : q.type === "scale"
    ? { question: q.id, value: Number(value) }
    : { question: q.id, option: value! };
  assert.ok(await saveAnswer(t.db, s.id, Number(position), answer, planOf(s), new Date()));
  t.api.clear();
  openai.script({ kind: "chat", text: RESULT });
  await t.send(last); // taken up again
  assert.equal(finalTexts(t).get(tap.message!.message_id), RESULT);
  assert.deepEqual(await session(t), { status: "completed", result: RESULT });
});
