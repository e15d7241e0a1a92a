// The assistant chat beyond single scenarios: a second message sent while the first answer is
// being generated is answered after it, in order, each with its own reply; a streamed answer
// is shown early and edited at a bounded rate; a stream that breaks is the service's fault.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../harness/bot.ts";
import { ALICE, Updates } from "../harness/telegram.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import { history } from "../harness/db.ts";
import { failInterrupted, saveUserMessage } from "../../src/chat/history.ts";
import { CONTEXT_HEAD } from "../../src/llm/prompts.ts";
import { RETRY, UNAVAILABLE } from "../../src/bot/answer.ts";
import { buttons } from "../harness/telegram.ts";

Deno.test("a second message during generation is answered after the first, never mixed", async () => {
  await using openai = await startOpenAiMock();
  openai.script(
    { kind: "chat", text: "Первый ответ.", delayMs: 400 },
    { kind: "chat", text: "Второй ответ." },
  );
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await Promise.all([t.handle(u.text(ALICE, "первое")), t.handle(u.text(ALICE, "второе"))]);
  // What the chat finally shows: each message's last text, in the order the messages appeared.
  const shown = new Map<number, string>();
  for (const c of t.api.calls) {
    if (c.method === "sendMessage") {
      shown.set((c.result as { message_id: number }).message_id, String(c.payload.text));
    }
    if (c.method === "editMessageText") {
      shown.set(Number(c.payload.message_id), String(c.payload.text));
    }
  }
  assert.deepEqual([...shown.values()], ["Первый ответ.", "Второй ответ."]);
  // The second request saw the first exchange as history, after the context message.
  const second = openai.requests.at(-1)!.body as {
    messages: Array<{ role: string; content: string }>;
  };
  assert.ok(second.messages[1]!.content.startsWith(CONTEXT_HEAD));
  assert.deepEqual(second.messages.slice(2).map((m) => m.content), [
    "первое",
    "Первый ответ.",
    "второе",
  ]);
  const rows = await t.db.query<{ role: string; content: string }>(
    "SELECT role, content FROM conversation_history ORDER BY id",
  );
  assert.deepEqual(rows.map((r) => r.content), [
    "первое",
    "Первый ответ.",
    "второе",
    "Второй ответ.",
  ]);
});

Deno.test("a streamed answer appears early and is edited at most once per interval (no drafts)", async () => {
  await using openai = await startOpenAiMock();
  const words = Array.from({ length: 40 }, (_, i) => `слово${i}`).join(" ");
  openai.script({ kind: "chat", text: words, chunkDelayMs: 15 });
  await using t = await startTestBot({
    openaiBaseUrl: openai.baseUrl,
    streamEditMs: 150,
    drafts: false,
  });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, "расскажи"));
  const sends = t.api.of("sendMessage");
  const edits = t.api.of("editMessageText");
  assert.equal(sends.length, 1, "one message, edited while the answer grows");
  assert.ok(String(sends[0]!.text).length < words.length, "the first text is shown before the end");
  assert.ok(edits.length >= 2, `edited while streaming (${edits.length})`);
  // About 600 ms of streaming at one edit per 150 ms, plus the final edit.
  assert.ok(edits.length <= 7, `edits are throttled (${edits.length})`);
  assert.equal(edits.at(-1)!.text, words, "the final edit holds the whole answer");
  const [row] = await t.db.query<{ first_text_ms: number; total_ms: number }>(
    "SELECT first_text_ms, total_ms FROM conversation_history WHERE role = 'assistant'",
  );
  assert.ok(row!.first_text_ms < row!.total_ms, "time to first text is recorded and earlier");
});

Deno.test("with drafts the answer streams as a draft, then arrives as a normal message", async () => {
  await using openai = await startOpenAiMock();
  const words = Array.from({ length: 40 }, (_, i) => `слово${i}`).join(" ");
  openai.script({ kind: "chat", text: words, chunkDelayMs: 15 });
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl, streamEditMs: 150 });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, "расскажи"));
  const drafts = t.api.of("sendMessageDraft");
  assert.ok(drafts.length >= 2 && drafts.length <= 7, `throttled drafts (${drafts.length})`);
  assert.ok(String(drafts[0]!.text).length < words.length);
  assert.ok(drafts.every((d) => d.draft_id === drafts[0]!.draft_id && d.draft_id !== 0));
  assert.deepEqual(t.api.of("sendMessage").map((p) => p.text), [words]);
  assert.equal(t.api.of("editMessageText").length, 0);
});

Deno.test("when Telegram refuses drafts, streaming falls back to edits and stays there", async () => {
  await using openai = await startOpenAiMock();
  openai.script(
    { kind: "chat", text: "Первый ответ, довольно длинный.", chunkDelayMs: 5 },
    { kind: "chat", text: "Второй ответ." },
  );
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  t.api.failNext("sendMessageDraft", 400, "Bad Request: method is not available");
  await t.send(u.text(ALICE, "раз"), u.text(ALICE, "два"));
  assert.equal(t.api.of("sendMessageDraft").length, 1, "tried once, then never again");
  const sent = t.api.of("sendMessage").map((p) => String(p.text));
  assert.equal(sent.length, 2, "one message per answer, edited into its final text");
  const edits = t.api.of("editMessageText").map((p) => String(p.text));
  assert.deepEqual(
    edits,
    ["Первый ответ, довольно длинный.", "Второй ответ."].filter((x) => !sent.includes(x)),
  );
  assert.ok(t.log.lines.some((l) => l.startsWith("WARN Telegram refused a message draft")));
});

Deno.test("messages left pending by a stopped process are marked failed at start-up", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  const id = await saveUserMessage(t.db, ALICE.id, "helper", "оборвалось", new Date());
  assert.equal(await failInterrupted(t.db), 1);
  const [row] = await t.db.query<{ status: string }>(
    "SELECT status FROM conversation_history WHERE id = $1",
    [id],
  );
  assert.equal(row?.status, "failed");
  assert.equal(await failInterrupted(t.db), 0);
});

for (const fault of ["error", "malformed", "cut"] as const) {
  Deno.test(`a stream broken mid-answer (${fault}) is logged as WARN and offers «🔁 Повторить»`, async () => {
    await using openai = await startOpenAiMock();
    openai.script({ kind: "chat", text: "Я слышу вас, давайте разберёмся.", streamFault: fault });
    await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
    const u = new Updates();
    await onboard(t, u, "/helper");
    await t.send(u.text(ALICE, "Мне тревожно"));
    const [message] = await history(t);
    assert.equal(message?.status, "failed");
    const told = t.api.calls.findLast((c) => String(c.payload.text) === UNAVAILABLE);
    assert.ok(told, "the user is told the model is unavailable");
    assert.ok(buttons(told.payload).includes(RETRY(message!.id)));
    assert.ok(
      t.log.lines.some((l) => l.startsWith("WARN Answer failed: a service is unavailable")),
    );
    assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")), t.log.lines.join("\n"));
  });
}
