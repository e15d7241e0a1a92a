// The quiz engine (pure and deterministic, no model on the question path): the plan of
// questions, dimension scores from the answers, the adaptive branch after the fifth answer, and
// reading a typed answer.

import type { Dimension, Question, QuizBank } from "./content.ts";

export interface Answer {
  question: string;
  /** Scale questions: 1–5. */
  value?: number;
  /** Choice questions: the option id. */
  option?: string;
  /** Open questions: what the user wrote. */
  text?: string;
  skipped?: boolean;
}

export interface Branch {
  /** Number of answers after which the follow-ups were inserted. */
  after: number;
  dimensions: string[];
  inserted: string[];
}

export interface Plan {
  questions: string[];
  branch?: Branch;
}

export interface DimensionScore {
  /** Mean of the answers' contributions, from -1 (the low pole) to 1 (the high pole). */
  score: number;
  answers: number;
  /** Largest minus smallest contribution: a wide spread means contradictory answers. */
  spread: number;
}

export type Scores = Record<string, DimensionScore>;

export const BRANCH_AFTER = 5;
const CONTRADICTION = 1;
const OPEN_MAX = 1000;

export function initialPlan(bank: QuizBank): Plan {
  return { questions: bank.questions.map((q) => q.id) };
}

export function questionById(bank: QuizBank, id: string): Question | undefined {
  return bank.questions.find((q) => q.id === id) ?? bank.followUps.find((q) => q.id === id);
}

/** The question to ask next, or undefined when every planned question is answered. */
export function nextQuestion(bank: QuizBank, plan: Plan, answers: Answer[]): Question | undefined {
  const id = plan.questions[answers.length];
  return id === undefined ? undefined : questionById(bank, id);
}

function contribution(q: Question, a: Answer): number | undefined {
  if (a.skipped) return undefined;
  if (q.type === "scale" && a.value !== undefined) {
    const c = (a.value - 3) / 2;
    return q.reverse ? -c : c;
  }
  if (q.type === "choice") {
    const option = q.options.find((o) => o.id === a.option);
    return option ? option.score / 2 : undefined;
  }
  return undefined; // open answers are read by the result text, not scored
}

export function scoreAnswers(bank: QuizBank, answers: Answer[]): Scores {
  const byDim = new Map<string, number[]>(bank.dimensions.map((d) => [d.id, []]));
  for (const a of answers) {
    const q = questionById(bank, a.question);
    const c = q && contribution(q, a);
    if (q && c !== undefined) byDim.get(q.dimension)?.push(c);
  }
  const scores: Scores = {};
  for (const [dim, values] of byDim) {
    const mean = values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;
    const spread = values.length > 1 ? Math.max(...values) - Math.min(...values) : 0;
    scores[dim] = { score: round(mean), answers: values.length, spread: round(spread) };
  }
  return scores;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * After the fifth answer (whatever its type), inserts 2–3 follow-ups: for the two dimensions
 * with the strongest signal, and for the most contradictory one if it is another. Ties go to
 * the bank's order, so the same answers always give the same questions.
 */
export function branch(bank: QuizBank, plan: Plan, answers: Answer[]): Plan {
  if (plan.branch || answers.length !== BRANCH_AFTER) return plan;
  const scores = scoreAnswers(bank, answers);
  const order = bank.dimensions.map((d) => d.id);
  const strongest = [...order].sort((a, b) =>
    Math.abs(scores[b]!.score) - Math.abs(scores[a]!.score) ||
    scores[b]!.answers - scores[a]!.answers || order.indexOf(a) - order.indexOf(b)
  );
  const chosen = strongest.slice(0, 2);
  const contradictory = [...order].filter((d) => scores[d]!.spread >= CONTRADICTION)
    .sort((a, b) =>
      scores[b]!.spread - scores[a]!.spread || order.indexOf(a) - order.indexOf(b)
    )[0];
  if (contradictory && !chosen.includes(contradictory)) chosen.push(contradictory);
  const planned = new Set(plan.questions);
  const inserted: string[] = [];
  for (const dim of chosen) {
    const next = bank.followUps.find((q) =>
      q.dimension === dim && q.type !== "open" && !planned.has(q.id) && !inserted.includes(q.id)
    );
    if (next) inserted.push(next.id);
  }
  const questions = [
    ...plan.questions.slice(0, BRANCH_AFTER),
    ...inserted,
    ...plan.questions.slice(BRANCH_AFTER),
  ];
  return { questions, branch: { after: BRANCH_AFTER, dimensions: chosen, inserted } };
}

export type Typed = { answer: Answer } | { hint: string };

/** Reads an answer typed instead of tapped: a digit for a scale or a choice, text when open. */
export function readTyped(q: Question, text: string): Typed {
  const t = text.trim();
  if (q.type === "open") {
    if (!t) return { hint: "Напишите, пожалуйста, хотя бы несколько слов." };
    return { answer: { question: q.id, text: t.slice(0, OPEN_MAX) } };
  }
  if (q.type === "scale") {
    const m = /^([1-5])(\s*из\s*5)?$/.exec(t);
    return m
      ? { answer: { question: q.id, value: Number(m[1]) } }
      : { hint: "Ответьте числом от 1 до 5 — или нажмите кнопку." };
  }
  const n = /^\d$/.test(t) ? Number(t) : NaN;
  const option = q.options[n - 1] ??
    q.options.find((o) => o.text.toLowerCase() === t.toLowerCase());
  return option
    ? { answer: { question: q.id, option: option.id } }
    : { hint: `Выберите вариант кнопкой или напишите его номер (1–${q.options.length}).` };
}

/** The pole a score leans to, in the bank's words; undefined when it leans to neither. */
export function leaning(d: Dimension, s: DimensionScore | undefined): string | undefined {
  if (!s || s.answers === 0 || Math.abs(s.score) < 0.25) return undefined;
  return s.score > 0 ? d.high : d.low;
}
