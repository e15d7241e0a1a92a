// Merging patterns: same idea by title, by embeddings or (without embeddings) by words; evidence
// united, occurrences counted, the eviction rule, retirement and revival.

import assert from "node:assert/strict";
import { mergePatterns, retireByTitle } from "./merge.ts";
import type { Candidate, Pattern } from "./profile.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
let ids = 0;
const newId = () => `p${++ids}`;

function candidate(over: Partial<Candidate> = {}): Candidate {
  return {
    type: "emotional",
    title: "Страх осуждения",
    description: "Боится, что окружающие осудят его решения.",
    evidence: ["боюсь, что все скажут"],
    confidence: 0.6,
    tags: ["страх"],
    source: "chat",
    ...over,
  };
}

function stored(over: Partial<Pattern> = {}): Pattern {
  return {
    ...candidate(),
    id: "old",
    occurrences: 1,
    status: "active",
    first_detected: "2026-11-01T00:00:00.000Z",
    last_detected: "2026-11-01T00:00:00.000Z",
    ...over,
  };
}

Deno.test("a new idea is added with one occurrence and its embedding", () => {
  const m = mergePatterns({
    patterns: [],
    embeddings: {},
    candidates: [{ candidate: candidate(), embedding: [1, 0] }],
    now: NOW,
    newId,
  });
  assert.equal(m.added, 1);
  assert.equal(m.patterns[0]!.occurrences, 1);
  assert.equal(m.patterns[0]!.title, "Страх осуждения");
  assert.deepEqual(m.embeddings[m.patterns[0]!.id], [1, 0]);
});

Deno.test("close embeddings merge: occurrences +1, evidence united, higher confidence, title kept", () => {
  const m = mergePatterns({
    patterns: [stored({ evidence: ["первая цитата"], confidence: 0.8 })],
    embeddings: { old: [1, 0, 0] },
    candidates: [{
      candidate: candidate({
        title: "Боязнь чужой оценки",
        evidence: ["вторая цитата"],
        confidence: 0.5,
        tags: ["оценка"],
      }),
      embedding: [0.9, 0.3, 0],
    }],
    now: NOW,
    newId,
  });
  assert.equal(m.merged, 1);
  assert.equal(m.patterns.length, 1);
  const p = m.patterns[0]!;
  assert.equal(p.title, "Страх осуждения");
  assert.equal(p.occurrences, 2);
  assert.deepEqual(p.evidence, ["первая цитата", "вторая цитата"]);
  assert.equal(p.confidence, 0.8);
  assert.deepEqual(p.tags, ["страх", "оценка"]);
  assert.equal(p.last_detected, NOW.toISOString());
});

Deno.test("distant embeddings do not merge, even when words overlap", () => {
  const m = mergePatterns({
    patterns: [stored()],
    embeddings: { old: [1, 0] },
    candidates: [{ candidate: candidate({ title: "Страх одиночества" }), embedding: [0, 1] }],
    now: NOW,
    newId,
  });
  assert.equal(m.added, 1);
  assert.equal(m.patterns.length, 2);
});

Deno.test("without embeddings the words decide; an exact title always merges", () => {
  const near = mergePatterns({
    patterns: [stored()],
    embeddings: {},
    candidates: [{
      candidate: candidate({
        title: "Боязнь осуждения окружающих",
        description: "Избегает решений из-за страха, что другие его осудят.",
      }),
    }],
    now: NOW,
    newId,
  });
  assert.equal(near.merged, 1);
  const far = mergePatterns({
    patterns: [stored()],
    embeddings: {},
    candidates: [{
      candidate: candidate({ title: "Импульсивные траты", description: "Тратит на эмоциях." }),
    }],
    now: NOW,
    newId,
  });
  assert.equal(far.added, 1);
  const exact = mergePatterns({
    patterns: [stored()],
    embeddings: { old: [1, 0] },
    candidates: [{ candidate: candidate({ title: "страх  осуждения!" }), embedding: [0, 1] }],
    now: NOW,
    newId,
  });
  assert.equal(exact.merged, 1);
});

Deno.test("evidence keeps the newest ten without duplicates", () => {
  const old = Array.from({ length: 10 }, (_, i) => `цитата ${i}`);
  const m = mergePatterns({
    patterns: [stored({ evidence: old })],
    embeddings: {},
    candidates: [{ candidate: candidate({ evidence: ["цитата 3", "новая"] }) }],
    now: NOW,
    newId,
  });
  const ev = m.patterns[0]!.evidence;
  assert.equal(ev.length, 10);
  assert.deepEqual(ev.slice(-2), ["цитата 3", "новая"]);
  assert.ok(!ev.includes("цитата 0"));
});

Deno.test("eviction: beyond 20 active, the fewest occurrences, then least confident, then oldest go", () => {
  const patterns = Array.from({ length: 20 }, (_, i) =>
    stored({
      id: `s${i}`,
      title: `Паттерн номер ${i} про разное ${"абвгдежзиклмнопрстуф"[i]}`,
      description: "",
      tags: [],
      occurrences: i === 0 ? 1 : 3,
      confidence: 0.5,
    }));
  const m = mergePatterns({
    patterns,
    embeddings: {},
    candidates: [{
      candidate: candidate({
        title: "Совсем новая тема",
        description: "",
        tags: [],
        confidence: 0.9,
      }),
    }],
    now: NOW,
    newId,
  });
  const active = m.patterns.filter((p) => p.status === "active");
  assert.equal(active.length, 20);
  assert.equal(m.retired, 1);
  assert.equal(m.patterns.find((p) => p.id === "s0")!.status, "retired");
});

Deno.test("a retired pattern that recurs comes back to life; deep analysis retires by title", () => {
  const patterns = [stored({ status: "retired" })];
  const m = mergePatterns({
    patterns,
    embeddings: {},
    candidates: [{ candidate: candidate() }],
    now: NOW,
    newId,
  });
  assert.equal(m.patterns[0]!.status, "active");
  assert.equal(m.patterns[0]!.occurrences, 2);
  assert.equal(retireByTitle(m.patterns, ["СТРАХ ОСУЖДЕНИЯ", "нет такого"]), 1);
  assert.equal(m.patterns[0]!.status, "retired");
});

Deno.test("long fields are cut to the stored limits, titles otherwise untouched", () => {
  const m = mergePatterns({
    patterns: [],
    embeddings: {},
    candidates: [{
      candidate: candidate({
        title: "Очень длинный заголовок ".repeat(10),
        description: "Описание. ".repeat(100),
        confidence: 1.7,
      }),
    }],
    now: NOW,
    newId,
  });
  const p = m.patterns[0]!;
  assert.ok(p.title.length <= 80 && p.title.startsWith("Очень длинный заголовок"));
  assert.ok(p.description.length <= 400);
  assert.equal(p.confidence, 1);
});
