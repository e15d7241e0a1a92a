// The deterministic crisis analyser: reads a message (Russian, English, transliterated, obfuscated)
// with the word classes of safety/lexicon.json and decides acute / concern / none, lowered by context.

import type { Lexicon } from "./analyser_lexicon.ts";
import { wrongLayout } from "./normalise.ts";
import {
  dreamBefore,
  firstPersonNow,
  framed,
  has,
  helpCall,
  joking,
  nowNear,
  pastHistory,
  planned,
  presentAnywhere,
  serious,
} from "./analyser_frames.ts";
import { aboutOf, type Doc, type Hit, matchRules, negated, readDoc } from "./analyser_match.ts";

export { type Lexicon, LEXICON_FILE, loadLexicon } from "./analyser_lexicon.ts";

import { type Place, RANK, type Tier } from "./tier.ts";
export type { Place, Tier };

export interface Analysis {
  tier: Tier;
  /** Signal classes found, e.g. "intent", "method", "imminent", "overdose", "farewell", "self_harm", "violence", "passive", "hopeless", "other_person", "suicide_word", "slang". */
  signals: string[];
  /** Frames that lowered a hit, e.g. "dream", "fiction", "news", "study", "past", "joke", "negation", "medical". */
  lowered: string[];
  /** An imminent-danger signal was found (place/means at hand/time word/pills already taken): never lowered. */
  imminent: boolean;
  /** Who is at risk according to the text. */
  about: "self" | "other" | "none";
  /** Violence against the writer (help lines for violence are then shown). */
  violence: boolean;
}

export interface AnalyseOptions {
  place?: Place;
  /** The user's previous few messages in this chat, oldest first: they can only raise the tier. */
  recent?: readonly string[];
}

interface Outcome {
  hit: Hit;
  tier: Tier;
  signal: string;
  about: "self" | "other";
  imminent: boolean;
  lowered: string[];
}

function judge(doc: Doc, hit: Hit, place: Place | undefined): Outcome | undefined {
  const rule = hit.rule;
  const who = aboutOf(doc, hit);
  if (who === "thing") return undefined;
  const out: Outcome = {
    hit,
    tier: rule.tier === "raise" ? "none" : rule.tier,
    signal: rule.signal,
    about: who,
    imminent: false,
    lowered: [],
  };
  const lower = (frame: string, to: Tier) => {
    if (RANK[to] >= RANK[out.tier] && rule.tier !== "raise") return;
    out.tier = to;
    if (!out.lowered.includes(frame)) out.lowered.push(frame);
  };
  if (negated(doc, hit)) {
    lower("negation", "none");
    return out;
  }
  for (const frame of ["dream", "fiction", "news"]) {
    if (frame === "dream" && rule.real === true) continue;
    if (
      frame === "dream" && rule.real === "before" ? dreamBefore(doc, hit) : framed(doc, hit, frame)
    ) {
      lower(frame, "none");
    }
  }
  if (doc.quoted[hit.s] && !(hit.s > 0 && has(doc, hit.s - 1, "speech"))) lower("quote", "none");
  if (out.lowered.length > 0) return out;
  // Ordinary context (cooking, moving, a trip) — except for danger that is present by itself.
  const kept = (rule.keptBy ?? []).some((c) => doc.sentences.some((_x, s) => has(doc, s, c)));
  if ((!rule.imminent || rule.tier === "raise") && !kept) {
    for (const cls of rule.lowerBy ?? []) if (has(doc, hit.s, cls)) lower(cls, "none");
    for (const cls of rule.lowerByMessage ?? []) {
      if (doc.sentences.some((_x, s) => has(doc, s, cls))) lower(cls, "none");
    }
    for (const cls of rule.lowerNear ?? []) {
      if ([hit.s - 1, hit.s, hit.s + 1].some((s) => s >= 0 && has(doc, s, cls))) lower(cls, "none");
    }
    if (out.lowered.length > 0) return out;
  }
  // The dream chat: a scene told without any sign of the present reads as the dream itself.
  if (place === "soulsleep" && rule.narrative && !serious(doc)) {
    const present = helpCall(doc) || planned(doc) ||
      (rule.imminent ? presentAnywhere(doc) : firstPersonNow(doc, hit));
    if (!present) {
      lower("dream", "none");
      return out;
    }
  }
  // A weak sign told as past history ("лет пять назад наглоталась таблеток") primes nothing.
  if (rule.tier === "raise" && !rule.imminent && pastHistory(doc, hit)) {
    out.signal = "past";
    lower("past", "none");
    return out;
  }
  const imminent = rule.imminent || (out.tier === "acute" && nowNear(doc, hit));
  if (imminent && rule.pastIsHistory && pastHistory(doc, hit)) {
    out.signal = "past";
    out.tier = "concern";
    out.lowered.push("past");
    return out;
  }
  if (imminent) {
    out.imminent = true;
    if (rule.tier !== "raise") out.tier = "acute";
    return out;
  }
  if (framed(doc, hit, "study")) lower("study", "none");
  if (joking(doc, hit)) lower("joke", rule.weak || who === "other" ? "none" : "concern");
  if (out.tier === "acute" && pastHistory(doc, hit)) lower("past", "concern");
  if (out.tier === "acute" && rule.hedgeable && !serious(doc)) {
    if (has(doc, hit.s, "hedge")) lower("hedge", "concern");
    else if (doc.sentences.some((_f, s) => has(doc, s, "reassure"))) lower("reassured", "concern");
  }
  return out;
}

function outcomes(doc: Doc, place: Place | undefined): Outcome[] {
  const out: Outcome[] = [];
  for (const hit of matchRules(doc)) {
    const o = judge(doc, hit, place);
    if (o) out.push(o);
  }
  return out;
}

function inMessage(doc: Doc, classes: readonly string[]): boolean {
  return doc.sentences.some((_x, s) => classes.some((c) => has(doc, s, c)));
}

/** How many of the hits do not overlap each other (two raisers must be two different signs). */
function separate(list: readonly Outcome[]): number {
  const spans = list.map((o) => o.hit).sort((x, y) => x.s - y.s || x.a - y.a);
  let n = 0;
  let last: Hit | undefined;
  for (const h of spans) {
    if (last && last.s === h.s && h.a < last.b) continue;
    n++;
    last = h;
  }
  return n;
}

function overlap(x: Hit, y: Hit): boolean {
  return x.s === y.s && x.a < y.b && y.a < x.b;
}

// Past history told now is no present risk: it does not make a weak sign of danger acute; nor
// does a hit made of the same words as the sign ("раздам книги, они мне не понадобятся").
function atRisk(list: readonly Outcome[], sign?: Hit): boolean {
  return list.some((o) =>
    o.about === "self" && o.hit.rule.tier !== "raise" && o.tier !== "none" &&
    o.signal !== "past" && !(sign && overlap(o.hit, sign))
  );
}

export function analyse(lexicon: Lexicon, text: string, opts: AnalyseOptions = {}): Analysis {
  const result = analyseText(lexicon, text, opts);
  const swapped = wrongLayout(text);
  if (!swapped) return result;
  const alt = analyseText(lexicon, swapped, opts);
  return RANK[alt.tier] > RANK[result.tier] ? alt : result;
}

function analyseText(lexicon: Lexicon, text: string, opts: AnalyseOptions): Analysis {
  const doc = readDoc(lexicon, text);
  const list = outcomes(doc, opts.place);
  const raisers = list.filter((o) => o.hit.rule.tier === "raise" && o.lowered.length === 0);
  if (raisers.length > 0) {
    const primed = separate(raisers) > 1 ||
      (opts.recent ?? []).some((m) => atRisk(outcomes(readDoc(lexicon, m), opts.place)));
    for (const r of raisers) {
      const rule = r.hit.rule;
      r.tier = primed || atRisk(list, r.hit) || (rule.primedBy && inMessage(doc, rule.primedBy))
        ? "acute"
        : r.about === "other" && rule.otherConcern
        ? "concern"
        : r.about === "self" && rule.alone
        ? rule.alone
        : "none";
    }
  }
  const signals = new Set<string>();
  const lowered = new Set<string>();
  let tier: Tier = "none";
  let self = false;
  let other = false;
  let imminent = false;
  let violence = false;
  for (const o of list) {
    if (o.hit.rule.tier === "raise" && o.tier === "none" && o.lowered.length === 0) continue;
    signals.add(o.signal);
    for (const f of o.lowered) lowered.add(f);
    let t = o.tier;
    if (o.about === "other" && t !== "none") {
      signals.add("other_person");
      t = "concern";
    }
    if (t === "none") continue;
    if (RANK[t] > RANK[tier]) tier = t;
    if (o.about === "self") {
      self = true;
      if (o.imminent && t === "acute") imminent = true;
      if (o.hit.rule.violence) violence = true;
    } else other = true;
  }
  return {
    tier,
    signals: [...signals],
    lowered: [...lowered],
    imminent,
    about: self ? "self" : other ? "other" : "none",
    violence,
  };
}
