// The quiz engine: scoring, the adaptive branch after the fifth answer (whatever its type),
// determinism, no question asked twice, and reading typed answers.

import assert from "node:assert/strict";
import { parseQuizBank, type QuizBank } from "./content.ts";
import {
  type Answer,
  branch,
  initialPlan,
  nextQuestion,
  readTyped,
  scoreAnswers,
} from "./engine.ts";

const scale = (id: string, dimension: string, reverse = false) => ({
  id,
  dimension,
  type: "scale",
  text: `Утверждение ${id}`,
  ...(reverse ? { reverse } : {}),
});
const choice = (id: string, dimension: string) => ({
  id,
  dimension,
  type: "choice",
  text: `Выбор ${id}`,
  options: [{ id: "lo", text: "Нет", score: -2 }, { id: "mid", text: "Иногда", score: 0 }, {
    id: "hi",
    text: "Да",
    score: 2,
  }],
});
const open = (id: string, dimension: string) => ({
  id,
  dimension,
  type: "open",
  text: `Открытый ${id}`,
});

function bank(): QuizBank {
  return parseQuizBank(
    JSON.stringify({
      category: "relationships",
      intro: "Тестовый квиз о близости, доверии и границах.",
      dimensions: ["a", "b", "c"].map((id) => ({
        id,
        title: `Шкала ${id}`,
        low: "низко",
        high: "высоко",
      })),
      questions: [
        scale("q1", "a"),
        choice("q2", "c"),
        scale("q3", "c", true),
        scale("q4", "b"),
        open("q5", "b"),
        choice("q6", "a"),
        scale("q7", "b"),
        open("q8", "a"),
      ],
      followUps: [
        scale("fa1", "a"),
        choice("fa2", "a"),
        scale("fb1", "b"),
        scale("fb2", "b"),
        open("fb3", "b"),
        choice("fc1", "c"),
        scale("fc2", "c"),
      ],
    }),
    "test bank",
  );
}

const answersA: Answer[] = [
  { question: "q1", value: 5 }, // a: +1
  { question: "q2", option: "mid" }, // c: 0
  { question: "q3", value: 1 }, // c, reversed: +1 → c is split between 0 and +1
  { question: "q4", value: 1 }, // b: -1
  { question: "q5", text: "Мне трудно просить о помощи." },
];

Deno.test("scores: scale, reversed scale and choice map to -1..1; open answers are not scored", () => {
  const s = scoreAnswers(bank(), answersA);
  assert.deepEqual(s.a, { score: 1, answers: 1, spread: 0 });
  assert.deepEqual(s.b, { score: -1, answers: 1, spread: 0 });
  assert.deepEqual(s.c, { score: 0.5, answers: 2, spread: 1 });
});

Deno.test("after a text answer at Q5: follow-ups for the two strongest and the contradictory dimension", () => {
  const b = bank();
  const plan = branch(b, initialPlan(b), answersA);
  assert.deepEqual(plan.branch?.dimensions, ["a", "b", "c"]);
  assert.deepEqual(plan.branch?.inserted, ["fa1", "fb1", "fc1"]);
  assert.deepEqual(plan.questions, [
    "q1",
    "q2",
    "q3",
    "q4",
    "q5",
    "fa1",
    "fb1",
    "fc1",
    "q6",
    "q7",
    "q8",
  ]);
  assert.equal(nextQuestion(b, plan, answersA)?.id, "fa1");
});

Deno.test("without a contradiction two dimensions are probed, the better-evidenced first", () => {
  const b = bank();
  const answers: Answer[] = [
    { question: "q1", value: 5 }, // a: +1
    { question: "q2", option: "hi" }, // c: +1
    { question: "q3", value: 1 }, // c, reversed: +1
    { question: "q4", value: 3 }, // b: 0
    { question: "q5", skipped: true },
  ];
  const plan = branch(b, initialPlan(b), answers);
  assert.deepEqual(plan.branch?.dimensions, ["c", "a"]);
  assert.deepEqual(plan.branch?.inserted, ["fc1", "fa1"]);
});

Deno.test("branching is deterministic, happens once, and never repeats a question", () => {
  const b = bank();
  const first = branch(b, initialPlan(b), answersA);
  assert.deepEqual(branch(b, initialPlan(b), answersA), first);
  assert.equal(branch(b, first, answersA), first, "a plan that branched is not branched again");
  assert.equal(new Set(first.questions).size, first.questions.length);
  assert.equal(branch(b, initialPlan(b), answersA.slice(0, 4)).branch, undefined, "only at five");
});

Deno.test("typed answers: digits for scale and choice, text for open, hints otherwise", () => {
  const b = bank();
  const q = (id: string) => b.questions.find((x) => x.id === id)!;
  assert.deepEqual(readTyped(q("q1"), " 4 "), { answer: { question: "q1", value: 4 } });
  assert.ok("hint" in readTyped(q("q1"), "7"));
  assert.ok("hint" in readTyped(q("q1"), "много"));
  assert.deepEqual(readTyped(q("q2"), "3"), { answer: { question: "q2", option: "hi" } });
  assert.deepEqual(readTyped(q("q2"), "иногда"), { answer: { question: "q2", option: "mid" } });
  assert.ok("hint" in readTyped(q("q2"), "9"));
  assert.deepEqual(readTyped(q("q5"), " Сложно. "), {
    answer: { question: "q5", text: "Сложно." },
  });
});
