// Patterns a completed quiz reveals (pure): the two clearest leanings among the quiz's
// dimensions, each with the user's open answers on that dimension as evidence. They join the
// profile through the same merge as the patterns found in conversations.

import type { QuizBank } from "../quiz/content.ts";
import { type Answer, questionById, type Scores } from "../quiz/engine.ts";
import { QUIZ_CATEGORIES, type QuizCategory } from "../quiz/categories.ts";
import type { Candidate, PatternType } from "./profile.ts";

const TYPES: Record<QuizCategory, PatternType> = {
  relationships: "behavioral",
  money: "behavioral",
  confidence: "cognitive",
  fears: "emotional",
};
const CLEAR = 0.5;
const MIN_ANSWERS = 2;
const MAX = 2;

export function quizCandidates(bank: QuizBank, scores: Scores, answers: Answer[]): Candidate[] {
  const quiz = QUIZ_CATEGORIES[bank.category].title;
  return bank.dimensions
    .map((d) => ({ d, s: scores[d.id] }))
    .filter(({ s }) => s && s.answers >= MIN_ANSWERS && Math.abs(s.score) >= CLEAR)
    .sort((a, b) => Math.abs(b.s!.score) - Math.abs(a.s!.score))
    .slice(0, MAX)
    .map(({ d, s }) => {
      const [toward, away] = s!.score > 0 ? [d.high, d.low] : [d.low, d.high];
      const evidence = answers
        .filter((a) => a.text && questionById(bank, a.question)?.dimension === d.id)
        .map((a) => a.text!);
      return {
        type: TYPES[bank.category],
        title: toward.charAt(0).toUpperCase() + toward.slice(1),
        description: `Квиз «${quiz}», шкала «${d.title}»: ответы ближе к «${toward}», ` +
          `чем к «${away}».`,
        evidence,
        confidence: Math.round(Math.min(0.9, 0.4 + Math.abs(s!.score) / 2) * 100) / 100,
        tags: [quiz.toLowerCase(), d.title.toLowerCase()],
        source: "quiz" as const,
      };
    });
}
