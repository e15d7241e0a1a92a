// Rule matching for the crisis analyser: finds where the rules' word classes occur together in a
// sentence, and who the hit is about (the writer, someone else, or an animal or a thing).

import {
  type Lexicon,
  type Occurrence,
  prepare,
  scanClass,
  type Scannable,
} from "./analyser_lexicon.ts";
import { type Rule, RULES } from "./analyser_rules.ts";
import { normalise } from "./normalise.ts";

export interface Hit {
  rule: Rule;
  /** Sentence index. */
  s: number;
  a: number;
  b: number;
  parts: Occurrence[];
}

/** A normalised message. Classes are scanned on first use and remembered. */
export interface Doc {
  lexicon: Lexicon;
  sentences: Scannable[];
  cache: Map<string, Occurrence[]>[];
  lengths: number[];
  quoted: boolean[];
  clauses: number[][];
}

export function readDoc(lexicon: Lexicon, text: string): Doc {
  const doc: Doc = { lexicon, sentences: [], cache: [], lengths: [], quoted: [], clauses: [] };
  for (const sentence of normalise(text)) {
    const idioms = scanClass(lexicon, prepare(sentence), "idiom");
    doc.sentences.push(prepare(sentence, idioms));
    doc.cache.push(new Map());
    doc.lengths.push(sentence.ru.length);
    doc.quoted.push(sentence.quoted);
    doc.clauses.push(sentence.clauses);
  }
  return doc;
}

export function occurrences(doc: Doc, s: number, cls: string): Occurrence[] {
  const cache = doc.cache[s];
  const sentence = doc.sentences[s];
  if (!cache || !sentence) return [];
  let found = cache.get(cls);
  if (!found) {
    found = scanClass(doc.lexicon, sentence, cls);
    // A 3rd-person ending read from Latin letters may be an infinitive ("pokonchit" = покончить).
    if (cls === "verb3") found = found.filter((o) => !sentence.translit[o.a]);
    cache.set(cls, found);
  }
  return found;
}

function inMessage(doc: Doc, cls: string): boolean {
  return doc.sentences.some((_x, s) => occurrences(doc, s, cls).length > 0);
}

function gap(x: Occurrence, y: Occurrence): number {
  return Math.max(0, y.a - x.b, x.a - y.b);
}

function overlaps(x: Occurrence, y: Occurrence): boolean {
  return x.a < y.b && y.a < x.b;
}

/** The clause of an occurrence's first token. */
export function clauseOf(doc: Doc, s: number, o: Occurrence): number {
  return doc.clauses[s]?.[o.a] ?? 0;
}

function fits(doc: Doc, s: number, rule: Rule, chosen: readonly Occurrence[]): boolean {
  const window = rule.window ?? 3;
  const clause = rule.clause ?? window <= 4;
  if (clause && new Set(chosen.map((o) => clauseOf(doc, s, o))).size > 1) return false;
  for (let i = 0; i < chosen.length; i++) {
    for (let j = i + 1; j < chosen.length; j++) {
      const x = chosen[i] as Occurrence;
      const y = chosen[j] as Occurrence;
      if (rule.ordered && x.a > y.a) return false;
      if (rule.sameToken ? !overlaps(x, y) : gap(x, y) > window) return false;
    }
  }
  return true;
}

// A class repeated many times in one sentence adds nothing after the first few: cap the product.
const MAX_EACH = 12;

function combos(lists: readonly Occurrence[][]): Occurrence[][] {
  let out: Occurrence[][] = [[]];
  for (const list of lists) {
    out = out.flatMap((c) => list.slice(0, MAX_EACH).map((o) => [...c, o]));
  }
  return out;
}

/** Every way each rule is satisfied in each sentence. */
export function matchRules(doc: Doc, rules: readonly Rule[] = RULES): Hit[] {
  const hits: Hit[] = [];
  for (let s = 0; s < doc.sentences.length; s++) {
    for (const rule of rules) {
      const lists: Occurrence[][] = [];
      for (const p of rule.parts) {
        const list = occurrences(doc, s, p);
        if (list.length === 0) break;
        lists.push(list);
      }
      if (lists.length < rule.parts.length) continue;
      if (rule.unless?.some((u) => occurrences(doc, s, u).length > 0)) continue;
      if (rule.withAny && !rule.withAny.some((w) => occurrences(doc, s, w).length > 0)) continue;
      if (rule.inMessage && !rule.inMessage.some((w) => inMessage(doc, w))) continue;
      for (const parts of combos(lists)) {
        if (!fits(doc, s, rule, parts)) continue;
        const a = Math.min(...parts.map((p) => p.a));
        const b = Math.max(...parts.map((p) => p.b));
        hits.push({ rule, s, a, b, parts });
      }
    }
  }
  return hits;
}

/** A negation directly before one of the hit's parts. */
export function negated(doc: Doc, hit: Hit): boolean {
  if (hit.rule.negatable === false) return false;
  const negs = occurrences(doc, hit.s, "neg");
  return hit.parts.some((p) => negs.some((n) => n.b === p.a));
}

export type About = "self" | "other" | "thing";

const SUBJECTS: ReadonlyArray<readonly [string, About]> = [
  ["subj_self", "self"],
  ["verb1", "self"],
  ["subj_other", "other"],
  ["verb3", "other"],
  ["subj_thing", "thing"],
];

function inside(doc: Doc, hit: Hit, cls: string): boolean {
  return occurrences(doc, hit.s, cls).some((o) => o.a < hit.b && hit.a < o.b);
}

function nearest(doc: Doc, s: number, before: number): About | undefined {
  let best: { at: number; who: About } | undefined;
  for (const [cls, who] of SUBJECTS) {
    for (const o of occurrences(doc, s, cls)) {
      if (o.a >= before) continue;
      if (!best || o.a > best.at) best = { at: o.a, who };
    }
  }
  return best?.who;
}

/** Who the hit is about: the words inside it, else the nearest subject before it in the sentence,
 * else the previous sentence's if that one reports someone's words ("друг написал: «прости»"). */
export function aboutOf(doc: Doc, hit: Hit): About {
  if (hit.rule.self) return "self";
  if (hit.rule.other) return "other";
  const prev = hit.s - 1;
  const reported = prev >= 0 && occurrences(doc, prev, "speech").length > 0;
  if (doc.quoted[hit.s] && reported) return nearest(doc, prev, Infinity) ?? "self";
  // "friend texted me goodbye": the speaker, not the "me" inside the hit.
  if (inside(doc, hit, "speech")) return nearest(doc, hit.s, hit.a) ?? "self";
  if (["verb1", "subj_self", "self_mark"].some((c) => inside(doc, hit, c))) return "self";
  if (inside(doc, hit, "verb3") || inside(doc, hit, "subj_other")) return "other";
  if (inside(doc, hit, "subj_thing")) return "thing";
  const here = nearest(doc, hit.s, hit.a);
  if (here) return here;
  if (reported) return nearest(doc, prev, Infinity) ?? "self";
  return "self";
}
