// The inbox's time limit with the real bot: a handler that never finishes is given up on — a
// failure like any other, so retried and then parked with one ERROR and one apology — and the
// chat goes on; the model's call of an abandoned run is cut off and the run says nothing.

import assert from "node:assert/strict";
import { onboard, startTestBot, type TestBot } from "../harness/bot.ts";
import { ALICE, Updates } from "../harness/telegram.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import { APOLOGY } from "../../src/bot/bot.ts";
import { UNAVAILABLE } from "../../src/bot/answer.ts";
import { texts } from "../../src/bot/screens/onboarding_texts.ts";

async function inboxRow(t: TestBot, updateId: number) {
  const [row] = await t.db.query<{ status: string; attempts: number; last_error: string | null }>(
    "SELECT status, attempts, last_error FROM inbox WHERE update_id = $1",
    [updateId],
  );
  return row;
}

Deno.test("inbox: a handler that never finishes is given up on at the time limit, tried again, then parked; the chat goes on", async () => {
  await using t = await startTestBot({ worker: { timeoutMs: 200 } });
  const u = new Updates();
  // The welcome never leaves: sending it hangs for ever, whatever signal it is given.
  t.bot.api.config.use((prev, method, payload, signal) =>
    method === "sendMessage" && (payload as { text?: string }).text === texts.welcome
      ? new Promise(() => {})
      : prev(method, payload, signal)
  );
  const start = u.command(ALICE, "/start");
  await t.send(start);
  const row = await inboxRow(t, start.update_id);
  assert.deepEqual([row?.status, row?.attempts], ["parked", 3]);
  assert.match(row?.last_error ?? "", /time limit/);
  assert.equal(t.worker.size, 0, "no slot held by the abandoned runs");
  const errors = t.log.lines.filter((l) => l.startsWith("ERROR"));
  assert.equal(errors.length, 1, t.log.lines.join("\n"));
  assert.match(errors[0]!, /parked after 3 failed attempt.*time limit/);
  assert.equal(
    t.log.lines.filter((l) => l.startsWith("WARN Update failed; it is tried again")).length,
    2,
  );
  assert.deepEqual(t.api.texts(), [APOLOGY]);
  // The chat is free again.
  t.api.clear();
  await t.send(u.command(ALICE, "/helplines"));
  assert.equal(t.api.of("sendMessage").length, 1);
  assert.equal(
    await t.db.query("SELECT 1 FROM inbox WHERE status = 'working'").then((r) => r.length),
    0,
  );
});

Deno.test({
  name: "inbox: the model's call of a run given up on is cut off, and that run says nothing",
  // The OpenAI mock's server and the bot's keep-alive connections to it outlive single updates.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await using openai = await startOpenAiMock();
    await using t = await startTestBot({
      openaiBaseUrl: openai.baseUrl,
      worker: { timeoutMs: 500 },
    });
    const u = new Updates();
    await onboard(t, u, "/helper");
    openai.script(
      { kind: "chat", text: "Слишком поздно.", delayMs: 30_000 },
      { kind: "chat", text: "Я здесь, расскажите." },
    );
    const message = u.text(ALICE, "Расскажу про работу");
    await t.send(message);
    // The abandoned run's call was aborted, not left to finish.
    assert.ok(t.log.lines.some((l) => /llm call failed.*APIUserAbortError/.test(l)));
    const sent = t.api.texts();
    assert.deepEqual(sent.filter((x) => x === "Я здесь, расскажите."), ["Я здесь, расскажите."]);
    assert.ok(!sent.includes(UNAVAILABLE), "the abandoned run told nobody the model failed");
    assert.ok(!sent.includes("Слишком поздно."));
    const row = await inboxRow(t, message.update_id);
    assert.deepEqual([row?.status, row?.attempts], ["done", 1]);
    assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")), t.log.lines.join("\n"));
  },
});
