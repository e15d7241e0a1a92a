// Prompt composition: style, user facts, quotable messages, safety, and the token budget that
// keeps a long conversation's prompt bounded.

import assert from "node:assert/strict";
import { composePrompt, type PromptInput } from "./prompts.ts";
import { messageTokens } from "./tokens.ts";
import type { ChatMessage } from "./llm.ts";
import { DEFAULT_STYLE } from "../style/style.ts";

function input(over: Partial<PromptInput> = {}): PromptInput {
  return {
    assistant: "helper",
    style: DEFAULT_STYLE,
    user: { name: "Алиса", age: 29, gender: "female" },
    history: [],
    message: "Я опять поссорилась с мамой из-за ерунды.",
    budget: 6000,
    ...over,
  };
}

Deno.test("the spec's three style combinations reach the system prompt", () => {
  const cases = [
    [{ tone: "formal", personality: "mentor", length: "brief" }, /формальный.*наставник.*кратко/s],
    [
      { tone: "friendly", personality: "friend", length: "detailed" },
      /дружелюбный.*друг.*четыре абзаца/s,
    ],
    [
      { tone: "ironic", personality: "coach", length: "medium" },
      /ироничный.*коуч.*два-три абзаца/s,
    ],
  ] as const;
  for (const [style, re] of cases) {
    const p = composePrompt(input({ style }));
    assert.match(p.messages[0]!.content, re);
  }
  assert.ok(
    composePrompt(input({ style: { ...DEFAULT_STYLE, length: "brief" } })).maxOutputTokens <
      composePrompt(input({ style: { ...DEFAULT_STYLE, length: "detailed" } })).maxOutputTokens,
  );
});

Deno.test("the system prompt carries the role, the user, quotable words and safety rules", () => {
  const history: ChatMessage[] = [
    { role: "user", content: "первое" },
    { role: "assistant", content: "ответ" },
    { role: "user", content: "второе" },
  ];
  const helper = composePrompt(input({ history })).messages[0]!.content;
  assert.match(helper, /собеседник для самоанализа/);
  assert.match(helper, /по имени «Алиса»/);
  assert.match(helper, /возраст — 29/);
  assert.match(helper, /пол — женский/);
  assert.match(
    helper,
    /цитируй дословно и только из этих его сообщений:\n— «первое»\n— «второе»\n— «Я опять/,
  );
  assert.match(helper, /не ставь диагнозов/);
  assert.match(helper, /8-800-2000-122/);
  const dreams = composePrompt(input({ assistant: "soulsleep" })).messages[0]!.content;
  assert.match(dreams, /работы со снами/);
  assert.doesNotMatch(dreams, /закономерности \(/);
  const withPatterns = composePrompt(input({ patterns: ["Избегает конфликтов"] })).messages[0]!;
  assert.match(withPatterns.content, /• Избегает конфликтов/);
});

Deno.test("a 200-turn history keeps the prompt under the token budget", () => {
  const history: ChatMessage[] = [];
  for (let i = 0; i < 200; i++) {
    history.push({
      role: "user",
      content: `Сообщение ${i}: мне снова тревожно перед работой, и я не понимаю почему.`,
    });
    history.push({
      role: "assistant",
      content: `Ответ ${i}: похоже, тревога приходит заранее. Что вы замечаете в теле?`,
    });
  }
  const p = composePrompt(input({ history, budget: 3000 }));
  const total = p.messages.reduce((n, m) => n + messageTokens(m), 0);
  assert.equal(total, p.inputTokens);
  assert.ok(p.inputTokens <= 3000, `${p.inputTokens} tokens`);
  assert.ok(p.droppedTurns > 250, `old turns are dropped (${p.droppedTurns})`);
  assert.equal(p.messages[1]?.role, "user", "the kept history starts with the user's words");
  assert.match(p.messages.at(-2)!.content, /^Ответ 199/, "the newest turns are kept");
  assert.equal(p.messages.at(-1)!.content, input().message);
});

Deno.test("without history the prompt is the system prompt and the message", () => {
  const p = composePrompt(input());
  assert.deepEqual(p.messages.map((m) => m.role), ["system", "user"]);
  assert.equal(p.droppedTurns, 0);
});
