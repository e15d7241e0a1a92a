// Quiz findings as pattern candidates: the two clearest leanings, with the user's open answers.

import assert from "node:assert/strict";
import { loadQuizBanks } from "../quiz/content.ts";
import { quizCandidates } from "./quiz.ts";

Deno.test("the two clearest leanings become candidates; weak or thin ones do not", async () => {
  const bank = (await loadQuizBanks()).get("money")!;
  const family = bank.questions.find((q) => q.id === "q_family_phrase")!;
  const candidates = quizCandidates(
    bank,
    {
      security: { score: -0.8, answers: 3, spread: 0.5 },
      spending: { score: 0.3, answers: 3, spread: 0 },
      worth: { score: 1, answers: 1, spread: 0 },
      control: { score: 0.6, answers: 2, spread: 0 },
    },
    [{ question: family.id, text: "Деньги не растут на деревьях" }, {
      question: "q_never_enough",
      value: 2,
    }],
  );
  assert.deepEqual(candidates.map((c) => c.title), ["Тревожится о деньгах", "Считает и планирует"]);
  const [first] = candidates;
  assert.equal(first!.source, "quiz");
  assert.equal(first!.type, "behavioral");
  assert.equal(first!.confidence, 0.8);
  assert.match(first!.description, /Квиз «Деньги», шкала «Спокойствие»/);
  assert.equal(family.dimension, "security");
  assert.deepEqual(first!.evidence, ["Деньги не растут на деревьях"]);
});
