// Answers cut off by a dying worker: the update is taken up again after the lease runs out and the
// answer is finished in the message the user already sees — stored, counted and answered once —
// or, when the update is parked, that message becomes a notice with «🔁 Повторить», which works.
// A worker "dies" here as one on another machine would (tests/harness/dying_worker.ts): it took
// the update, its handler is left hanging (the model never goes on), and its lease runs out.

import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { onboard, startTestBot, type TestBot } from "../harness/bot.ts";
import { ALICE, buttons, Updates } from "../harness/telegram.ts";
import { type OpenAiMock, startOpenAiMock } from "../harness/openai_mock.ts";
import { count, history } from "../harness/db.ts";
import { finalTexts, leaseRunsOut, shownBy, takenByDyingWorker } from "../harness/dying_worker.ts";
import { claimUpdates } from "../../src/inbox/inbox.ts";
import { RETRY } from "../../src/bot/answer.ts";
import { APOLOGY } from "../../src/bot/bot.ts";
import { finishInterrupted, INTERRUPTED } from "../../src/bot/interrupted.ts";
import { failInterrupted } from "../../src/chat/history.ts";

const HALF = "Слышу вас. Это правда непросто, и хорошо, что вы об этом говорите.";
const FULL = "Слышу вас. Тревога перед переменами — частая гостья. Что пугает больше всего?";

async function inboxRow(t: TestBot, updateId: number) {
  const [row] = await t.db.query<{ status: string; attempts: number }>(
    "SELECT status, attempts FROM inbox WHERE update_id = $1",
    [updateId],
  );
  return row;
}

async function assistantMessagesToday(t: TestBot): Promise<number> {
  const [row] = await t.db.query<{ n: number }>(
    "SELECT assistant_messages AS n FROM user_activity_day WHERE user_id = $1",
    [ALICE.id],
  );
  return row?.n ?? 0;
}

async function inHelperChat(openai: OpenAiMock) {
  // A model that waits as long as the test needs: the dying worker's stream hangs.
  const t = await startTestBot({
    openaiBaseUrl: openai.baseUrl,
    openaiTimeoutMs: 600_000,
    drafts: false,
  });
  const u = new Updates();
  await onboard(t, u, "/helper");
  return { t, u };
}

Deno.test("interrupted: an answer cut off mid-stream is finished in the same message, stored and counted once", async () => {
  await using openai = await startOpenAiMock();
  const { t, u } = await inHelperChat(openai);
  await using _t = t;
  openai.script(
    { kind: "chat", text: HALF, streamFault: "hang", streamFaultAfter: 4 },
    { kind: "chat", text: FULL },
  );
  const message = u.text(ALICE, "Мне тревожно перед переездом");
  const { abandoned } = await takenByDyingWorker(t, message);
  const [half] = await shownBy(t, message.update_id);
  assert.match(finalTexts(t).get(half!)!, /^Слышу/, "the user sees a half-written answer");

  await leaseRunsOut(t);
  await t.worker.drain();
  assert.deepEqual([...finalTexts(t)], [[half, FULL]], "one message, holding the whole answer");
  assert.equal(t.api.of("sendMessage").length, 1, "no second message");
  const rows = await history(t);
  assert.deepEqual(rows.map((r) => [r.role, r.status, r.content]), [
    ["user", "answered", "Мне тревожно перед переездом"],
    ["assistant", "answered", FULL],
  ]);
  assert.equal(await assistantMessagesToday(t), 1, "counted once against the free limit");
  assert.equal(await count(t, "statistic_day", { helper: 1 }), 1);
  assert.deepEqual(await inboxRow(t, message.update_id), { status: "done", attempts: 1 });
  assert.equal(openai.requests.length, 2);
  assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")), t.log.lines.join("\n"));

  // The dead worker's handling ends at last (its stream is cut): it changes nothing.
  t.api.clear();
  await openai.close();
  await abandoned;
  assert.deepEqual(t.api.calls.map((c) => c.method), []);
  assert.equal((await history(t)).length, 2);
  assert.ok(t.log.lines.some((l) => l.includes("another worker had taken its update")));
});

Deno.test("interrupted: when the half-written message is gone, the answer comes in a new one", async () => {
  await using openai = await startOpenAiMock();
  const { t, u } = await inHelperChat(openai);
  await using _t = t;
  openai.script(
    { kind: "chat", text: HALF, streamFault: "hang", streamFaultAfter: 4 },
    { kind: "chat", text: FULL },
  );
  const message = u.text(ALICE, "Мне тревожно перед переездом");
  const { abandoned } = await takenByDyingWorker(t, message);
  const [half] = await shownBy(t, message.update_id);
  // The user deleted it meanwhile.
  t.api.failNext("editMessageText", 400, "Bad Request: message to edit not found");
  await leaseRunsOut(t);
  await t.worker.drain();
  const [again] = await shownBy(t, message.update_id);
  assert.notEqual(again, half);
  assert.equal(finalTexts(t).get(again!), FULL);
  assert.equal(t.api.of("sendMessage").length, 2, "the half message, then the new one");
  assert.equal((await history(t)).length, 2);
  await openai.close();
  await abandoned;
});

Deno.test("interrupted: an answer delivered before the worker died is not given again", async () => {
  await using openai = await startOpenAiMock();
  const { t, u } = await inHelperChat(openai);
  await using _t = t;
  openai.script({ kind: "chat", text: FULL });
  const message = u.text(ALICE, "Мне тревожно");
  await t.worker.enqueue([message]);
  // Handled to the end, but the worker died before it could mark the update done.
  const [row] = await claimUpdates(t.db, "elsewhere:4242:dying", 1, 30_000);
  await t.bot.handleUpdate(row!.payload as Update);
  const calls = t.api.calls.length;
  await leaseRunsOut(t);
  await t.worker.drain();
  assert.deepEqual(await inboxRow(t, message.update_id), { status: "done", attempts: 1 });
  assert.deepEqual(t.api.calls.slice(calls).map((c) => c.method), [], "nothing sent again");
  assert.equal(openai.requests.length, 1, "the model is not asked again");
  assert.equal((await history(t)).length, 2);
  assert.equal(await assistantMessagesToday(t), 1);
});

Deno.test("interrupted: a message kept at the free limit is kept once when its update is taken up again", async () => {
  await using openai = await startOpenAiMock();
  openai.script({ kind: "chat", text: FULL });
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl, freeDailyMessages: 1 });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, "Первое"));
  const second = u.text(ALICE, "Второе");
  await t.worker.enqueue([second]);
  const [row] = await claimUpdates(t.db, "elsewhere:4242:dying", 1, 30_000);
  await t.bot.handleUpdate(row!.payload as Update);
  await leaseRunsOut(t);
  await t.worker.drain();
  assert.deepEqual((await history(t)).map((r) => [r.role, r.status, r.content]), [
    ["user", "answered", "Первое"],
    ["assistant", "answered", FULL],
    ["user", "held", "Второе"],
  ]);
  assert.equal(await assistantMessagesToday(t), 1);
  assert.equal(await count(t, "statistic_day", { free_limit_reached: 1 }), 1);
  assert.equal(openai.requests.length, 1);
});

Deno.test("interrupted: an update parked mid-answer leaves a notice with «🔁 Повторить» in the half message, and it works", async () => {
  await using openai = await startOpenAiMock();
  const { t, u } = await inHelperChat(openai);
  await using _t = t;
  openai.script({ kind: "chat", text: HALF, streamFault: "hang", streamFaultAfter: 4 });
  const message = u.text(ALICE, "Мне тревожно перед переездом");
  const { abandoned } = await takenByDyingWorker(t, message);
  const [half] = await shownBy(t, message.update_id);
  // Two more workers take it and die before it gets anywhere: the third death parks it.
  for (const worker of ["elsewhere:1:dead", "elsewhere:2:dead"]) {
    await leaseRunsOut(t);
    assert.equal((await claimUpdates(t.db, worker, 10, 30_000)).length, 1);
  }
  await leaseRunsOut(t);
  await t.worker.drain();
  assert.equal((await inboxRow(t, message.update_id))?.status, "parked");
  const [user] = await history(t);
  assert.equal(user?.status, "failed");
  const notice = t.api.calls.findLast((c) => c.method === "editMessageText")!;
  assert.deepEqual([notice.payload.message_id, notice.payload.text], [half, INTERRUPTED]);
  assert.ok(buttons(notice.payload).includes(RETRY(user!.id)));
  assert.ok(!t.api.texts().includes(APOLOGY), "the notice stands for the apology");
  const errors = t.log.lines.filter((l) => l.startsWith("ERROR"));
  assert.equal(errors.length, 1, t.log.lines.join("\n"));
  assert.match(errors[0]!, /parked after 3/);

  t.api.clear();
  openai.script({ kind: "chat", text: FULL });
  await t.send(u.callback(ALICE, RETRY(user!.id), half));
  assert.ok(t.api.texts().includes(FULL), "«Повторить» brings the answer");
  assert.deepEqual((await history(t)).map((r) => [r.role, r.status]), [
    ["user", "answered"],
    ["assistant", "answered"],
  ]);
  assert.equal(await assistantMessagesToday(t), 1, "a retry is not counted again");

  // The first worker's handling ends at last: the answer stands.
  t.api.clear();
  await openai.close();
  await abandoned;
  assert.deepEqual(t.api.calls.map((c) => c.method), []);
  assert.equal((await history(t)).length, 2);
});

Deno.test("interrupted: a retry pressed, then cut off, is finished in the message it started", async () => {
  await using openai = await startOpenAiMock();
  const { t, u } = await inHelperChat(openai);
  await using _t = t;
  openai.script({ kind: "chat", status: 500 });
  await t.send(u.text(ALICE, "Мне тревожно"));
  const [user] = await history(t);
  assert.equal(user?.status, "failed");
  openai.script(
    { kind: "chat", text: HALF, streamFault: "hang", streamFaultAfter: 4 },
    { kind: "chat", text: FULL },
  );
  const press = u.callback(ALICE, RETRY(user!.id), 150);
  const { abandoned } = await takenByDyingWorker(t, press);
  const [half] = await shownBy(t, press.update_id);
  await leaseRunsOut(t);
  await t.worker.drain();
  assert.equal(finalTexts(t).get(half!), FULL);
  assert.deepEqual((await history(t)).map((r) => [r.role, r.status]), [
    ["user", "answered"],
    ["assistant", "answered"],
  ]);
  await openai.close();
  await abandoned;
  assert.equal(finalTexts(t).get(half!), FULL);
});

Deno.test("interrupted: at start-up an answer its update left open gets the notice, unless the update waits to be taken up", async () => {
  await using openai = await startOpenAiMock();
  const { t, u } = await inHelperChat(openai);
  await using _t = t;
  openai.script({ kind: "chat", text: HALF, streamFault: "hang", streamFaultAfter: 4 });
  const message = u.text(ALICE, "Мне тревожно перед переездом");
  const { abandoned } = await takenByDyingWorker(t, message);
  const [half] = await shownBy(t, message.update_id);
  const startUp = { db: t.db, api: t.bot.api, log: t.log };
  // Its update is still in hand (or waits): the next worker finishes the answer.
  assert.equal(await failInterrupted(t.db), 0);
  assert.equal(await finishInterrupted(startUp), 0);
  assert.equal((await history(t))[0]?.status, "pending");
  // Given up on, but the process stopped before the notice went out.
  await t.db.query(
    "UPDATE inbox SET status = 'parked', done_at = now(), lease_until = NULL WHERE update_id = $1",
    [message.update_id],
  );
  t.api.clear();
  assert.equal(await failInterrupted(t.db), 1);
  assert.equal(await finishInterrupted(startUp), 1);
  const [user] = await history(t);
  assert.equal(user?.status, "failed");
  const notice = t.api.calls.at(-1)!;
  assert.deepEqual(
    [notice.method, notice.payload.message_id, notice.payload.text],
    ["editMessageText", half, INTERRUPTED],
  );
  assert.ok(buttons(notice.payload).includes(RETRY(user!.id)));
  assert.equal(await finishInterrupted(startUp), 0, "once");
  await openai.close();
  await abandoned;
  assert.equal(finalTexts(t).get(half!), INTERRUPTED);
});
