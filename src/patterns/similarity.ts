// Whether two patterns are the same idea: cosine similarity of their embeddings, or — when an
// embedding is missing (the embeddings call failed) — a lexical measure over crude Russian word
// stems. Both thresholds were chosen on fixtures/patterns/pairs.json (`deno task eval:merge`).

export const EMBEDDING_THRESHOLD = 0.6;
export const LEXICAL_THRESHOLD = 0.38;

export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

const STOP = new Set(
  ("это как что для при или его она они оно них нет без под над про ради тот так уже ещё " +
    "еще свой своя свои себя себе собой когда если чтобы даже очень всегда часто человек " +
    "the and for with from that this into").split(" "),
);

/** Lower case, ё → е, words of three letters or more, stop words out, cut to five letters. */
export function stems(text: string): Set<string> {
  const words = text.toLowerCase().replaceAll("ё", "е").match(/[\p{L}]{3,}/gu) ?? [];
  return new Set(words.filter((w) => !STOP.has(w)).map((w) => w.slice(0, 5)));
}

function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}

export interface Comparable {
  title: string;
  description: string;
  tags: readonly string[];
}

/** 0..1: mostly the titles, then descriptions and tags. */
export function lexicalSimilarity(a: Comparable, b: Comparable): number {
  const titles = dice(stems(a.title), stems(b.title));
  const rest = dice(
    stems(`${a.title} ${a.description} ${a.tags.join(" ")}`),
    stems(`${b.title} ${b.description} ${b.tags.join(" ")}`),
  );
  return 0.6 * titles + 0.4 * rest;
}

/** Titles that differ only in case, ё/е, spacing and punctuation. */
export function sameTitle(a: string, b: string): boolean {
  const norm = (s: string) =>
    s.toLowerCase().replaceAll("ё", "е").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  return norm(a) === norm(b);
}

/** The text whose embedding stands for a pattern. */
export function embeddingText(p: Comparable): string {
  return `${p.title}. ${p.description}`;
}
