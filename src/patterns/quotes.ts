// Evidence must be the user's own words: a quote the model offers is kept only when it occurs
// in one of the user's messages (ignoring case, ё/е, spacing, quotation marks and the
// punctuation at its ends). Invented or paraphrased quotes are dropped.

import type { Candidate } from "./profile.ts";

const MIN_CHARS = 4;

function normalise(text: string): string {
  return text.toLowerCase().replaceAll("ё", "е")
    .replace(/[«»"“”„'`]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function core(quote: string): string {
  return normalise(quote).replace(/^[\s.,;:!?…—–-]+|[\s.,;:!?…—–-]+$/g, "");
}

export interface QuoteCheck {
  kept: string[];
  dropped: number;
}

export function keepRealQuotes(
  quotes: readonly string[],
  userMessages: readonly string[],
): QuoteCheck {
  const haystack = userMessages.map(normalise);
  const kept: string[] = [];
  for (const q of quotes) {
    const needle = core(q);
    if (needle.length >= MIN_CHARS && haystack.some((m) => m.includes(needle))) {
      kept.push(q.trim().replace(/^[«"“„]+|[»"”]+$/g, "").trim());
    }
  }
  return { kept, dropped: quotes.length - kept.length };
}

/** Keeps only real quotes; a pattern left without any is dropped as unsupported. */
export function withRealQuotes(
  patterns: Array<Omit<Candidate, "source">>,
  userMessages: string[],
): { candidates: Candidate[]; dropped: number } {
  let dropped = 0;
  const candidates: Candidate[] = [];
  for (const p of patterns) {
    const check = keepRealQuotes(p.evidence, userMessages);
    dropped += check.dropped;
    if (check.kept.length) candidates.push({ ...p, evidence: check.kept, source: "chat" });
  }
  return { candidates, dropped };
}
