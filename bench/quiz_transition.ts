// Benchmark: the time of one quiz question transition (typed answer → next question shown),
// through the real bot on a real database, and the number of questions per category with and
// without the adaptive branch for a fixed set of answers. Prints figures; asserts nothing.
// Run: deno task bench:quiz [rounds]   (TEST_DATABASE_URL selects PostgreSQL, else PGlite)

import { onboard, startTestBot } from "../tests/harness/bot.ts";
import { ALICE, Updates } from "../tests/harness/telegram.ts";
import { loadQuizBanks } from "../src/quiz/content.ts";
import { type Answer, branch, initialPlan, nextQuestion } from "../src/quiz/engine.ts";
import { QUIZ } from "../src/bot/screens/quiz.ts";

const rounds = Number(Deno.args[0] ?? 20);
const banks = await loadQuizBanks();

/** Answers every question: scale 4, the first option, a short text. */
function answerFor(q: NonNullable<ReturnType<typeof nextQuestion>>): { typed: string; a: Answer } {
  if (q.type === "scale") return { typed: "4", a: { question: q.id, value: 4 } };
  if (q.type === "choice") return { typed: "1", a: { question: q.id, option: q.options[0]!.id } };
  return {
    typed: "Честно говоря, не знаю.",
    a: { question: q.id, text: "Честно говоря, не знаю." },
  };
}

for (const [category, bank] of banks) {
  let plan = initialPlan(bank);
  const answers: Answer[] = [];
  for (let q = nextQuestion(bank, plan, answers); q; q = nextQuestion(bank, plan, answers)) {
    answers.push(answerFor(q).a);
    plan = branch(bank, plan, answers);
  }
  console.log(
    `${category}: ${bank.questions.length} questions linear, ${plan.questions.length} adaptive`,
  );
}

await using bot = await startTestBot();
const u = new Updates();
await onboard(bot, u);
const times: number[] = [];
for (let r = 0; r < rounds; r++) {
  await bot.handle(u.callback(ALICE, QUIZ.start("money"), 101));
  const bank = banks.get("money")!;
  let plan = initialPlan(bank);
  const answers: Answer[] = [];
  for (let q = nextQuestion(bank, plan, answers); q; q = nextQuestion(bank, plan, answers)) {
    const { typed, a } = answerFor(q);
    answers.push(a);
    plan = branch(bank, plan, answers);
    if (!nextQuestion(bank, plan, answers)) break; // the last answer leads to the result, not a question
    const started = performance.now();
    await bot.handle(u.text(ALICE, typed));
    times.push(performance.now() - started);
  }
}
times.sort((a, b) => a - b);
const at = (p: number) =>
  times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
console.log(`database: ${bot.db.kind}`);
console.log(
  `question transitions: ${times.length}; median ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${
    at(0.99)
  } ms`,
);
