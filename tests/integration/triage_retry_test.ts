// A message answered a second time («Повторить» after a failure) is triaged again: a hard
// message keeps its safety instruction, and a message now judged acute gets the crisis card
// instead of an answer.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../harness/bot.ts";
import { ALICE, Updates } from "../harness/telegram.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import { RETRY } from "../../src/bot/answer.ts";

const CARE = "человеку сейчас тяжело";

function systemPrompt(body: unknown): string {
  return (body as { messages: Array<{ content: string }> }).messages[0]!.content;
}

Deno.test("a retried hard message is answered with the safety instruction again", async () => {
  await using openai = await startOpenAiMock();
  openai.script({ kind: "chat", status: 500 }, { kind: "chat", text: "Я рядом. Как ты сейчас?" });
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl, openaiMaxRetries: 0 });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, "я так устала жить, хочется уснуть и не проснуться"));
  const [row] = await t.db.query<{ id: number; status: string }>(
    "SELECT id, status FROM conversation_history WHERE role = 'user'",
  );
  assert.equal(row!.status, "failed");
  const offer = t.api.calls.find((c) => JSON.stringify(c.payload).includes(RETRY(row!.id)))!;
  const shown = (offer.result as { message_id: number }).message_id;
  await t.send(u.callback(ALICE, RETRY(row!.id), shown));
  const prompts = openai.requests.map((r) => systemPrompt(r.body));
  assert.equal(prompts.length, 2);
  assert.ok(prompts.every((p) => p.includes(CARE)), "both tries carry the instruction");
  assert.ok(t.api.calls.some((c) => String(c.payload.text).includes("Если станет совсем тяжело")));
});

Deno.test("a retried message now judged acute gets the card, not an answer", async () => {
  await using openai = await startOpenAiMock();
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  const [row] = await t.db.query<{ id: number }>(
    `INSERT INTO conversation_history (user_id, assistant, role, content, status)
     VALUES ($1, 'helper', 'user', 'я решила покончить с собой сегодня ночью', 'failed')
     RETURNING id`,
    [ALICE.id],
  );
  await t.send(u.callback(ALICE, RETRY(row!.id), 101));
  assert.equal(openai.requests.length, 0, "no model call");
  assert.ok(t.api.calls.some((c) => String(c.payload.text).includes("Мне очень жаль")));
  const [after] = await t.db.query<{ status: string }>(
    "SELECT status FROM conversation_history WHERE id = $1",
    [row!.id],
  );
  assert.equal(after!.status, "crisis");
  const [user] = await t.db.query<{ crisis: boolean }>(
    "SELECT crisis_since IS NOT NULL AS crisis FROM users WHERE id = $1",
    [ALICE.id],
  );
  assert.equal(user!.crisis, true);
});
