// The quiz banks in quizzes/: all four load and validate, have the agreed shape (8 base
// questions, question 5 open or scored per category, ≥ 2 scored follow-ups per dimension), and
// a broken bank is rejected with a message that names the problem.

import assert from "node:assert/strict";
import { loadQuizBanks, parseQuizBank, type QuizBank, quizzesDir } from "./content.ts";
import { QUIZ_CATEGORIES, type QuizCategory } from "./categories.ts";

const categories = Object.keys(QUIZ_CATEGORIES) as QuizCategory[];
let banks: Map<QuizCategory, QuizBank> | undefined;

function bank(category: QuizCategory): QuizBank {
  const b = banks?.get(category);
  assert.ok(b, `no bank for ${category} (did the loading test fail?)`);
  return b;
}

// Runs first: the tests below read the banks it loads.
Deno.test("every category has a bank in quizzes/ that loads and validates", async () => {
  banks = await loadQuizBanks();
  assert.deepEqual([...banks.keys()].sort(), [...categories].sort());
  for (const category of categories) assert.equal(bank(category).category, category);
});

Deno.test("each bank has exactly 8 base questions and ≥ 2 scored follow-ups per dimension", () => {
  for (const category of categories) {
    const b = bank(category);
    assert.equal(b.questions.length, 8, `${category}: base questions`);
    assert.ok(b.dimensions.length >= 3 && b.dimensions.length <= 4, `${category}: dimensions`);
    for (const d of b.dimensions) {
      const scored = b.followUps.filter((q) => q.dimension === d.id && q.type !== "open");
      assert.ok(scored.length >= 2, `${category}/${d.id}: ${scored.length} scored follow-ups`);
      assert.ok(
        b.questions.some((q) => q.dimension === d.id && q.type !== "open"),
        `${category}/${d.id}: no scored base question`,
      );
    }
  }
});

Deno.test("question 5 is open in relationships and fears, scored in money and confidence", () => {
  const fifth: Record<QuizCategory, "open" | "scored"> = {
    relationships: "open",
    fears: "open",
    money: "scored",
    confidence: "scored",
  };
  for (const category of categories) {
    const q = bank(category).questions[4];
    assert.ok(q, `${category}: no question 5`);
    assert.equal(q.type === "open" ? "open" : "scored", fifth[category], `${category}: ${q.id}`);
  }
});

Deno.test("button labels fit (≤ 60 chars) and question texts are phone-sized (≤ 200 chars)", () => {
  for (const category of categories) {
    const b = bank(category);
    for (const q of [...b.questions, ...b.followUps]) {
      assert.ok(q.text.length <= 200, `${category}/${q.id}: text is ${q.text.length} chars`);
      if (q.type !== "choice") continue;
      for (const o of q.options) {
        assert.ok(o.text.length <= 60, `${category}/${q.id}/${o.id}: "${o.text}"`);
      }
      assert.equal(new Set(q.options.map((o) => o.id)).size, q.options.length, q.id);
    }
  }
});

Deno.test("a broken bank is rejected with a message naming each problem", async () => {
  const good = JSON.parse(await Deno.readTextFile(new URL("relationships.json", quizzesDir())));
  const withOpenRun = structuredClone(good);
  withOpenRun.questions.splice(
    0,
    3,
    ...[0, 1, 2].map((i) => ({
      id: `open_${i}`,
      dimension: "closeness",
      type: "open",
      text: "Расскажите об этом в нескольких словах.",
    })),
  );
  const unknownDim = structuredClone(good);
  unknownDim.followUps[0].dimension = "jealousy";
  const duplicate = structuredClone(good);
  duplicate.followUps[0].id = duplicate.questions[0].id;

  const cases: [unknown, RegExp][] = [
    [withOpenRun, /three open questions in a row/],
    [unknownDim, /unknown dimension jealousy/],
    [duplicate, new RegExp(`question id ${good.questions[0].id} is used twice`)],
  ];
  for (const [raw, message] of cases) {
    assert.throws(
      () => parseQuizBank(JSON.stringify(raw), "quizzes/broken.json"),
      (err: Error) => {
        assert.match(err.message, /^quizzes\/broken\.json is not a valid quiz bank/);
        assert.match(err.message, message);
        return true;
      },
    );
  }
  assert.throws(() => parseQuizBank("{ not json", "quizzes/broken.json"), /not valid JSON/);
});
