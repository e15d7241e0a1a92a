// Merging found patterns into a profile (pure). A candidate is the same idea as a stored pattern
// when the titles match (case, ё/е and punctuation aside), or their embeddings' cosine similarity
// reaches EMBEDDING_THRESHOLD, or — when either embedding is missing — the lexical similarity
// reaches LEXICAL_THRESHOLD; the best match wins. A merge adds an occurrence, unites the evidence
// (newest kept), keeps the higher confidence, takes the newer description and keeps the title.
// Otherwise the candidate is added.
//
// Eviction rule: at most LIMITS.activePatterns active patterns. Beyond that, the pattern seen the
// fewest times is retired first; among equals the least confident, then the longest unseen.
// Retired patterns are kept (a recurring one comes back to life when it merges again) up to
// LIMITS.retiredPatterns; beyond that the longest unseen is dropped with its embedding.

import { type Candidate, cut, LIMITS, type Pattern } from "./profile.ts";
import {
  cosine,
  EMBEDDING_THRESHOLD,
  LEXICAL_THRESHOLD,
  lexicalSimilarity,
  sameTitle,
} from "./similarity.ts";

export type Embeddings = Record<string, number[]>;

export interface MergeInput {
  patterns: Pattern[];
  embeddings: Embeddings;
  candidates: Array<{ candidate: Candidate; embedding?: number[] }>;
  now: Date;
  newId: () => string;
}

export interface MergeOutcome {
  patterns: Pattern[];
  embeddings: Embeddings;
  added: number;
  merged: number;
  retired: number;
}

type Match = { index: number; score: number };

function bestMatch(
  patterns: Pattern[],
  embeddings: Embeddings,
  c: Candidate,
  vector: number[] | undefined,
): Match | undefined {
  const exact = patterns.findIndex((p) => sameTitle(p.title, c.title));
  if (exact >= 0) return { index: exact, score: 1 };
  let best: Match | undefined;
  patterns.forEach((p, index) => {
    const stored = embeddings[p.id];
    const score = vector && stored
      ? cosine(vector, stored) - EMBEDDING_THRESHOLD
      : lexicalSimilarity(p, c) - LEXICAL_THRESHOLD;
    if (score >= 0 && (!best || score > best.score)) best = { index, score };
  });
  return best;
}

function unite(a: readonly string[], b: readonly string[], max: number): string[] {
  const out: string[] = [];
  for (const x of [...a, ...b]) {
    const i = out.findIndex((y) => y.toLowerCase() === x.toLowerCase());
    if (i >= 0) out.splice(i, 1);
    out.push(x);
  }
  return out.slice(-max);
}

/** A candidate's fields trimmed to the stored limits. */
export function tidy(c: Candidate): Candidate {
  return {
    ...c,
    title: cut(c.title, LIMITS.title),
    description: cut(c.description, LIMITS.description),
    evidence: unite(
      [],
      c.evidence.map((q) => cut(q, LIMITS.quote)).filter(Boolean),
      LIMITS.evidence,
    ),
    confidence: Math.min(1, Math.max(0, c.confidence)),
    tags: unite([], c.tags.map((t) => t.trim().toLowerCase()).filter(Boolean), LIMITS.tags),
  };
}

export function mergePatterns(input: MergeInput): MergeOutcome {
  const patterns = input.patterns.map((p) => ({ ...p }));
  const embeddings = { ...input.embeddings };
  const at = input.now.toISOString();
  let added = 0, merged = 0;
  for (const { candidate, embedding } of input.candidates) {
    const c = tidy(candidate);
    if (!c.title) continue;
    const match = bestMatch(patterns, embeddings, c, embedding);
    if (match) {
      const p = patterns[match.index]!;
      patterns[match.index] = {
        ...p,
        status: "active",
        description: c.description || p.description,
        evidence: unite(p.evidence, c.evidence, LIMITS.evidence),
        confidence: Math.max(p.confidence, c.confidence),
        tags: unite(p.tags, c.tags, LIMITS.tags),
        occurrences: p.occurrences + 1,
        last_detected: at,
      };
      if (!embeddings[p.id] && embedding) embeddings[p.id] = embedding;
      merged++;
    } else {
      const id = input.newId();
      patterns.push({
        id,
        ...c,
        occurrences: 1,
        status: "active",
        first_detected: at,
        last_detected: at,
      });
      if (embedding) embeddings[id] = embedding;
      added++;
    }
  }
  const retired = evict(patterns);
  const kept = dropOldRetired(patterns);
  for (const id of Object.keys(embeddings)) {
    if (!kept.some((p) => p.id === id)) delete embeddings[id];
  }
  return { patterns: kept, embeddings, added, merged, retired };
}

/** Fewest occurrences first, then lowest confidence, then longest unseen. */
function evictionOrder(a: Pattern, b: Pattern): number {
  return a.occurrences - b.occurrences || a.confidence - b.confidence ||
    a.last_detected.localeCompare(b.last_detected);
}

function evict(patterns: Pattern[]): number {
  const active = patterns.filter((p) => p.status === "active").sort(evictionOrder);
  const excess = active.length - LIMITS.activePatterns;
  for (let i = 0; i < excess; i++) active[i]!.status = "retired";
  return Math.max(0, excess);
}

function dropOldRetired(patterns: Pattern[]): Pattern[] {
  const retired = patterns.filter((p) => p.status === "retired")
    .sort((a, b) => b.last_detected.localeCompare(a.last_detected));
  const dropped = new Set(retired.slice(LIMITS.retiredPatterns).map((p) => p.id));
  return patterns.filter((p) => !dropped.has(p.id));
}

/** Retires the active patterns a deep analysis called stale (by title). */
export function retireByTitle(patterns: Pattern[], titles: readonly string[]): number {
  let n = 0;
  for (const p of patterns) {
    if (p.status === "active" && titles.some((t) => sameTitle(t, p.title))) {
      p.status = "retired";
      n++;
    }
  }
  return n;
}
