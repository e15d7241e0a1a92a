// Patterns in prompts: only for personal messages, at most five, three quotes each, truncated.

import assert from "node:assert/strict";
import { isPersonal, patternsForPrompt } from "./relevance.ts";
import type { Pattern } from "./profile.ts";

const NOW = new Date("2026-11-24T09:00:00Z");

function pattern(i: number, over: Partial<Pattern> = {}): Pattern {
  return {
    id: `p${i}`,
    type: "emotional",
    title: `Паттерн ${i}`,
    description: "Описание ".repeat(60),
    evidence: ["первая", "вторая", "третья", "четвёртая " + "очень ".repeat(40)],
    confidence: 0.5,
    tags: [],
    occurrences: 1,
    source: "chat",
    status: "active",
    first_detected: NOW.toISOString(),
    last_detected: NOW.toISOString(),
    ...over,
  };
}

Deno.test("personal and emotional messages are recognised; plain factual questions are not", () => {
  for (
    const t of [
      "Я опять поссорилась с мамой",
      "Мне снилось, что я падаю",
      "Почему мне так тревожно по утрам?",
      "Устала от всего",
      "I feel lost",
      "Начальник снова накричал",
    ]
  ) assert.ok(isPersonal(t), t);
  for (
    const t of [
      "Сколько длится фаза быстрого сна?",
      "Что такое когнитивное искажение?",
      "Какая столица Франции",
      "What is CBT?",
    ]
  ) assert.ok(!isPersonal(t), t);
});

Deno.test("a factual question gets no patterns", () => {
  assert.deepEqual(patternsForPrompt([pattern(1)], "Что такое когнитивное искажение?", NOW), []);
});

Deno.test("at most five active patterns, the strongest first, three newest quotes, truncated", () => {
  const patterns = [
    ...Array.from({ length: 6 }, (_, i) => pattern(i, { confidence: 0.1 * (i + 1) })),
    pattern(9, { confidence: 1, occurrences: 9, status: "retired" }),
  ];
  const lines = patternsForPrompt(patterns, "Мне грустно", NOW);
  assert.equal(lines.length, 5);
  assert.ok(lines[0]!.startsWith("Паттерн 5 — "));
  assert.ok(!lines.some((l) => l.startsWith("Паттерн 9")), "retired patterns stay out");
  assert.ok(!lines[0]!.includes("«первая»"));
  assert.ok(lines[0]!.includes("«вторая»") && lines[0]!.includes("«третья»"));
  for (const l of lines) assert.ok(l.length < 200 + 3 * 125 + 80, `too long: ${l.length}`);
});

Deno.test("words shared with the message and freshness raise a pattern", () => {
  const old = pattern(1, { confidence: 0.6, last_detected: "2025-11-24T09:00:00Z" });
  const fresh = pattern(2, { confidence: 0.6 });
  const topical = pattern(3, { confidence: 0.4, title: "Ссоры с мамой", tags: ["мама"] });
  const lines = patternsForPrompt([old, fresh, topical], "Я опять поссорилась с мамой", NOW);
  assert.deepEqual(lines.map((l) => l.split(" — ")[0]), [
    "Ссоры с мамой",
    "Паттерн 2",
    "Паттерн 1",
  ]);
});
