// The labelled phrase sets in fixtures/safety/ (crisis.txt must all be detected, safe.txt never)
// and the detector's recall and false-positive rate on them.

import { type CrisisPatterns, detectCrisis } from "./detector.ts";

export const CRISIS_SET = new URL("../../fixtures/safety/crisis.txt", import.meta.url);
export const SAFE_SET = new URL("../../fixtures/safety/safe.txt", import.meta.url);

export async function readPhrases(file: URL): Promise<string[]> {
  return (await Deno.readTextFile(file)).split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

export interface Evaluation {
  crisis: number;
  safe: number;
  missed: string[];
  falseAlarms: string[];
  recall: number;
  falsePositiveRate: number;
}

export function evaluate(patterns: CrisisPatterns, crisis: string[], safe: string[]): Evaluation {
  const missed = crisis.filter((p) => !detectCrisis(patterns, p));
  const falseAlarms = safe.filter((p) => detectCrisis(patterns, p));
  return {
    crisis: crisis.length,
    safe: safe.length,
    missed,
    falseAlarms,
    recall: (crisis.length - missed.length) / crisis.length,
    falsePositiveRate: falseAlarms.length / safe.length,
  };
}
