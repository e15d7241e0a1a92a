// The deterministic crisis detector: Russian and English expressions of suicidal intent,
// self-harm and immediate danger, kept as regular expressions in safety/crisis_patterns.json
// (with the harmless idioms that look alike, which are removed first). It runs before any model
// call and never needs the network.

export interface CrisisPatterns {
  safe: RegExp[];
  crisis: RegExp[];
}

export const PATTERNS_FILE = new URL("../../safety/crisis_patterns.json", import.meta.url);

export function compilePatterns(raw: { safe: string[]; crisis: string[] }): CrisisPatterns {
  const compile = (s: string) => new RegExp(s, "u");
  return { safe: raw.safe.map(compile), crisis: raw.crisis.map(compile) };
}

export async function loadPatterns(file: URL = PATTERNS_FILE): Promise<CrisisPatterns> {
  return compilePatterns(JSON.parse(await Deno.readTextFile(file)));
}

// Latin letters that look like Cyrillic ones, used to dodge filters ("cуицид" with a Latin c).
const LOOKALIKE: Record<string, string> = {
  a: "а",
  c: "с",
  e: "е",
  o: "о",
  p: "р",
  x: "х",
  y: "у",
  k: "к",
  m: "м",
  t: "т",
  h: "н",
  b: "в",
};

/** Lower case, ё→е, look-alikes inside Cyrillic words, 3+ repeated letters collapsed, no punctuation. */
export function normalise(text: string): string {
  const lower = text.toLowerCase().replaceAll("ё", "е");
  const words = lower.split(/(\s+)/).map((w) =>
    /[\u0400-\u04ff]/.test(w) ? w.replace(/[acepoxyktmhb]/g, (ch) => LOOKALIKE[ch] ?? ch) : w
  );
  return ` ${
    words.join("")
      .replace(/(\p{L})\1{2,}/gu, "$1")
      .replace(/[^\p{L}\p{N}'\s]+/gu, " ")
      .replace(/\s+/g, " ")
      .trim()
  } `;
}

/** Whether the text expresses a crisis, by the deterministic patterns alone. */
export function detectCrisis(patterns: CrisisPatterns, text: string): boolean {
  let t = normalise(text);
  for (const re of patterns.safe) t = t.replace(new RegExp(re.source, "gu"), " ");
  return patterns.crisis.some((re) => re.test(t));
}
