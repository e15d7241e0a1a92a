// The labelled pattern pairs (fixtures/patterns/pairs.json) the merge thresholds are measured
// on, and precision/recall of a threshold over scored pairs.

import type { Comparable } from "./similarity.ts";

export interface LabelledPair {
  same: boolean;
  a: Comparable;
  b: Comparable;
}

export interface Scored {
  same: boolean;
  score: number;
}

export const PAIRS_FILE = new URL("../../fixtures/patterns/pairs.json", import.meta.url);

export async function loadPairs(): Promise<LabelledPair[]> {
  return JSON.parse(await Deno.readTextFile(PAIRS_FILE)) as LabelledPair[];
}

/** Precision and recall of "merge when score ≥ threshold" (precision 1 when nothing merges). */
export function sweep(scored: Scored[], threshold: number) {
  let tp = 0, fp = 0, fn = 0;
  for (const s of scored) {
    const merged = s.score >= threshold;
    if (merged && s.same) tp++;
    else if (merged) fp++;
    else if (s.same) fn++;
  }
  return {
    precision: tp + fp ? tp / (tp + fp) : 1,
    recall: tp + fn ? tp / (tp + fn) : 1,
    tp,
    fp,
    fn,
  };
}
