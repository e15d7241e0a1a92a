// The crisis analyser's word classes (safety/lexicon.json): loading, compiling once, and finding
// a class in a normalised sentence as token ranges.

import type { Sentence } from "./normalise.ts";

/** One match of a class: tokens [a, b) of a sentence. */
export interface Occurrence {
  a: number;
  b: number;
}

interface CompiledClass {
  /** Patterns written in Cyrillic, run on the Russian view. */
  ru?: RegExp;
  /** Patterns written in Latin letters, run on the English view. */
  en?: RegExp;
  /** Searched inside long glued tokens ("хочуумереть"), without word boundaries. */
  inner?: RegExp;
}

export interface Lexicon {
  classes: ReadonlyMap<string, CompiledClass>;
}

export interface RawLexicon {
  about: string;
  classes: Record<string, string[] | { about?: string; patterns: string[] }>;
  inner?: string[];
}

export const LEXICON_FILE = new URL("../../safety/lexicon.json", import.meta.url);

/** Masked tokens (idioms) read as this, which no pattern matches. */
const MASK = "·";
/** Appended to the last token of a clause, so that ^ and $ in patterns mean clause start and end. */
const CLAUSE = "\u200b";
/** A glued token at least this long is also searched inside. */
const INNER_MIN = 9;

// "<2>" in a pattern: up to two arbitrary words in between; ^ and $ are the clause's start and end. Patterns are folded like the text
// (ё→е, й→и, ъ→ь), ь is optional outside character classes (transliteration drops it), and so is
// the space after «не».
function expand(source: string): string {
  // "не " may be glued to its verb ("нехочу", "небудет").
  const folded = source.replace(/ё/g, "е").replace(/й/g, "и").replace(/ъ/g, "ь")
    .replace(/(^|[\s(|?)])не /g, "$1не ?");
  let out = "";
  let inClass = false;
  for (let i = 0; i < folded.length; i++) {
    const ch = folded[i] as string;
    if (ch === "\\") {
      out += ch + (folded[i + 1] ?? "");
      i++;
      continue;
    }
    if (ch === "[") inClass = true;
    if (ch === "]") inClass = false;
    out += ch;
    if (ch === "ь" && !inClass && folded[i + 1] !== "?") out += "?";
  }
  return out.replace(/( ?)<(\d)> ?/g, (_m, sp: string, n: string) => `${sp}(?:\\S+ ){0,${n}}`)
    .replace(/ /g, `${CLAUSE}? `)
    .replace(/^\^/, `(?<=^|${CLAUSE} )`).replace(/(?<!\\)\$$/, `(?=${CLAUSE}|$)`);
}

// Sticky: tried only at the start of each token, which is where a word boundary is.
function bounded(patterns: readonly string[]): RegExp | undefined {
  if (patterns.length === 0) return undefined;
  return new RegExp(`(?:${patterns.map(expand).join("|")})(?![\\p{L}\\p{N}])`, "uy");
}

// Letters of the pattern itself, not of escapes like \S or \p{L}.
function letters(pattern: string): string {
  return pattern.replace(/\\p\{\w+\}|\\./g, "");
}

export function compileLexicon(raw: RawLexicon): Lexicon {
  const classes = new Map<string, CompiledClass>();
  for (const [name, value] of Object.entries(raw.classes)) {
    const patterns = Array.isArray(value) ? value : value.patterns;
    const cyr = patterns.filter((p) => /[а-яё]/.test(letters(p)) || !/[a-z]/.test(letters(p)));
    const lat = patterns.filter((p) => /[a-z]/.test(letters(p)) || !/[а-яё]/.test(letters(p)));
    try {
      // Glued Russian words only; anchored patterns make no sense inside a token.
      const glued = cyr.filter((p) => !/[$^]/.test(p))
        .map((p) => expand(p.replace(/ ?<\d> ?/g, "").replaceAll(" ", "")));
      classes.set(name, {
        ru: bounded(cyr),
        en: bounded(lat),
        inner: raw.inner?.includes(name) && glued.length > 0
          ? new RegExp(`(?:${glued.join("|")})`, "u")
          : undefined,
      });
    } catch (err) {
      throw new Error(`Cannot compile lexicon class ${name}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return { classes };
}

export async function loadLexicon(file: URL = LEXICON_FILE): Promise<Lexicon> {
  const lexicon = compileLexicon(JSON.parse(await Deno.readTextFile(file)) as RawLexicon);
  warm(lexicon);
  return lexicon;
}

// The engine compiles a regular expression on its first use, once for Latin-only and once for
// other text: do it at load time, not inside the first user's message.
function warm(lexicon: Lexicon): void {
  for (const cls of lexicon.classes.values()) {
    for (const re of [cls.ru, cls.en]) {
      for (const text of ["warm up", "прогрев warm"]) {
        if (!re) continue;
        re.lastIndex = 0;
        re.exec(text);
      }
    }
    cls.inner?.test("прогревпрогрев");
  }
}

interface View {
  text: string;
  /** Token index of every character. */
  at: Int32Array;
  /** Where each token starts. */
  starts: number[];
  cyr: boolean;
  lat: boolean;
}

/** A sentence ready for scanning: both views joined, idioms masked. */
export interface Scannable {
  ru: View;
  en: View;
  tokens: readonly string[];
  /** Tokens read from Latin letters: their verb endings say nothing about the person. */
  translit: readonly boolean[];
}

function view(tokens: readonly string[]): View {
  const text = tokens.join(" ");
  const at = new Int32Array(text.length + 1);
  const starts = [0];
  let t = 0;
  for (let i = 0; i < text.length; i++) {
    at[i] = t;
    if (text[i] === " ") {
      t++;
      starts.push(i + 1);
    }
  }
  at[text.length] = t;
  return { text, at, starts, cyr: /[а-я]/.test(text), lat: /[a-z]/.test(text) };
}

function scanView(out: Occurrence[], re: RegExp, v: View): void {
  for (const start of v.starts) {
    re.lastIndex = start;
    const m = re.exec(v.text);
    if (!m || m[0] === "") continue;
    const a = v.at[start] ?? 0;
    const b = (v.at[start + m[0].length - 1] ?? 0) + 1;
    if (!out.some((o) => o.a === a && o.b === b)) out.push({ a, b });
  }
}

/** Both views of the sentence, with the tokens of `masked` hidden and clause ends marked. */
export function prepare(sentence: Sentence, masked: readonly Occurrence[] = []): Scannable {
  const ends = (i: number) =>
    sentence.clauses[i + 1] !== undefined &&
    sentence.clauses[i + 1] !== sentence.clauses[i];
  const hide = (tokens: readonly string[]) =>
    tokens.map((t, i) =>
      (masked.some((o) => i >= o.a && i < o.b) ? MASK : t) + (ends(i) ? CLAUSE : "")
    );
  const ru = hide(sentence.ru);
  const translit = sentence.en.map((t, i) => /[a-z]/.test(t) && /[а-я]/.test(sentence.ru[i] ?? ""));
  return { ru: view(ru), en: view(hide(sentence.en)), tokens: ru, translit };
}

/** Where the class occurs in the sentence. */
export function scanClass(lexicon: Lexicon, sentence: Scannable, name: string): Occurrence[] {
  const cls = lexicon.classes.get(name);
  const out: Occurrence[] = [];
  if (!cls) return out;
  if (cls.ru && sentence.ru.cyr) scanView(out, cls.ru, sentence.ru);
  if (cls.en && sentence.en.lat) scanView(out, cls.en, sentence.en);
  if (cls.en && !sentence.en.lat && !sentence.en.cyr) scanView(out, cls.en, sentence.en);
  if (cls.inner) {
    for (const [i, t] of sentence.tokens.entries()) {
      if (t.length < INNER_MIN || !/[а-я]/.test(t)) continue;
      if (cls.inner.test(t) && !out.some((o) => o.a <= i && i < o.b)) {
        out.push({ a: i, b: i + 1 });
      }
    }
  }
  return out;
}
