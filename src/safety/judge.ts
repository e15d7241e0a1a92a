// The triage judge: a cheap model asked, with structured output, which tier a message belongs to
// and why (who is at risk, when, and whether it is a dream, fiction, a joke or past history). Its
// instructions live in safety/judge_prompt.md; its answer is checked against the schema below.

import { z } from "zod";
import type { Llm } from "../llm/llm.ts";
import type { Place } from "./tier.ts";

export const JUDGE_PROMPT_FILE = new URL("../../safety/judge_prompt.md", import.meta.url);

export const REASONS = [
  "intent",
  "plan_or_means",
  "imminent",
  "overdose",
  "farewell",
  "self_harm",
  "violence",
  "passive_wish",
  "hopelessness",
  "past_history",
  "other_person",
  "ambiguous",
  "dream",
  "fiction",
  "news_or_study",
  "joke_or_idiom",
  "medical",
  "everyday",
] as const;

export const judgeVerdict = z.object({
  tier: z.enum(["acute", "concern", "none"]),
  at_risk: z.enum(["self", "other", "nobody"]),
  when: z.enum(["now", "soon", "past", "unclear", "not_applicable"]),
  dream: z.boolean(),
  fiction: z.boolean(),
  joke: z.boolean(),
  past: z.boolean(),
  news_or_study: z.boolean(),
  violence: z.boolean(),
  reason: z.enum(REASONS),
}).strict();

export type JudgeVerdict = z.infer<typeof judgeVerdict>;

/** The strict JSON Schema sent to the model (structured output), derived from judgeVerdict. */
export function judgeSchema(): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(judgeVerdict, { target: "draft-7" });
  return schema;
}

const PLACES: Record<Place, string> = {
  helper: "the general conversation chat",
  soulsleep: "the dream-interpretation chat",
  quiz: "an open question of a psychological quiz",
};

export interface JudgeInput {
  text: string;
  place: Place;
  /** The writer's previous messages, oldest first. */
  recent: readonly string[];
}

/** The user message the judge reads: where it was written, the context, then the message. */
export function judgeMessage(input: JudgeInput): string {
  const context = input.recent.length ? input.recent.map((t) => `- ${t}`).join("\n") : "(none)";
  return `Written in: ${PLACES[input.place]}\n\nPrevious messages (oldest first):\n${context}\n\n` +
    `Message to triage:\n${input.text}`;
}

export interface Judge {
  model: string;
  judge(input: JudgeInput, signal: AbortSignal): Promise<JudgeVerdict>;
}

export async function loadJudgePrompt(file: URL = JUDGE_PROMPT_FILE): Promise<string> {
  return (await Deno.readTextFile(file)).trim();
}

export function createJudge(llm: Llm, model: string, prompt: string): Judge {
  const schema = judgeSchema();
  return {
    model,
    async judge(input, signal) {
      const result = await llm.complete({
        api: "chat",
        model,
        messages: [
          { role: "system", content: prompt },
          { role: "user", content: judgeMessage(input) },
        ],
        maxOutputTokens: 200,
        temperature: 0,
        json: { name: "safety_triage", schema },
        signal,
      });
      return judgeVerdict.parse(JSON.parse(result.text));
    },
  };
}
