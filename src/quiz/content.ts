// The quiz content model: a bank per category (data files in quizzes/), validated by a zod
// schema when the bot starts and by a test. Questions measure named dimensions; scale answers
// (1–5) and choice options carry scores on them; open answers are kept for the result text.

import { z } from "zod";
import { QUIZ_CATEGORIES, type QuizCategory } from "./categories.ts";

const id = z.string().regex(/^[a-z][a-z0-9_]{0,23}$/, "ids are short snake_case");
const text = z.string().trim().min(3).max(300);

const dimension = z.object({
  id,
  title: text.max(40),
  /** What a strongly negative score means, in a few words ("держит дистанцию"). */
  low: text.max(80),
  /** What a strongly positive score means ("ищет близости"). */
  high: text.max(80),
});

const base = { id, dimension: id, text };

const question = z.discriminatedUnion("type", [
  z.object({
    ...base,
    type: z.literal("scale"),
    /** True when agreeing means a LOW score on the dimension. */
    reverse: z.boolean().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("choice"),
    options: z.array(z.object({
      id,
      text: z.string().trim().min(1).max(60), // a button label: "Да" is fine
      /** Score on the question's dimension, from -2 (low) to 2 (high). */
      score: z.number().int().min(-2).max(2),
    })).min(2).max(5),
  }),
  z.object({ ...base, type: z.literal("open") }),
]);

export const quizBankSchema = z.object({
  category: z.enum(Object.keys(QUIZ_CATEGORIES) as [QuizCategory, ...QuizCategory[]]),
  intro: z.string().trim().min(3).max(500),
  dimensions: z.array(dimension).min(3).max(5),
  questions: z.array(question).min(6).max(10),
  followUps: z.array(question).min(6),
}).superRefine((bank, ctx) => {
  const problem = (message: string) => ctx.addIssue({ code: "custom", message });
  const dims = new Set(bank.dimensions.map((d) => d.id));
  const all = [...bank.questions, ...bank.followUps];
  const ids = new Set<string>();
  for (const q of all) {
    if (ids.has(q.id)) problem(`question id ${q.id} is used twice`);
    ids.add(q.id);
    if (!dims.has(q.dimension)) problem(`question ${q.id}: unknown dimension ${q.dimension}`);
  }
  for (const d of dims) {
    if (!bank.questions.some((q) => q.dimension === d && q.type !== "open")) {
      problem(`dimension ${d} has no scored base question`);
    }
    if (bank.followUps.filter((q) => q.dimension === d && q.type !== "open").length < 2) {
      problem(`dimension ${d} needs at least two scored follow-up questions`);
    }
  }
  const types = bank.questions.map((q) => q.type);
  for (let i = 2; i < types.length; i++) {
    if (types[i] === "open" && types[i - 1] === "open" && types[i - 2] === "open") {
      problem("three open questions in a row");
    }
  }
  for (const t of ["scale", "choice", "open"] as const) {
    if (!types.includes(t)) problem(`the base questions have no ${t} question`);
  }
});

export type QuizBank = z.infer<typeof quizBankSchema>;
export type Question = QuizBank["questions"][number];
export type Dimension = QuizBank["dimensions"][number];

/** Reads and validates one bank; throws naming the file and every problem. */
export function parseQuizBank(json: string, file: string): QuizBank {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = quizBankSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "bank"}: ${i.message}`);
    throw new Error(`${file} is not a valid quiz bank:\n  - ${issues.join("\n  - ")}`);
  }
  return parsed.data;
}

export function quizzesDir(): URL {
  return new URL("../../quizzes/", import.meta.url);
}

/** Loads the four banks (at start-up); throws if any is missing or invalid. */
export async function loadQuizBanks(dir: URL = quizzesDir()): Promise<Map<QuizCategory, QuizBank>> {
  const banks = new Map<QuizCategory, QuizBank>();
  for (const category of Object.keys(QUIZ_CATEGORIES) as QuizCategory[]) {
    const file = `${category}.json`;
    const bank = parseQuizBank(await Deno.readTextFile(new URL(file, dir)), `quizzes/${file}`);
    if (bank.category !== category) {
      throw new Error(`quizzes/${file}: category is ${bank.category}`);
    }
    banks.set(category, bank);
  }
  return banks;
}
