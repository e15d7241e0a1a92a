// Context frames for the crisis analyser: whether a hit sits inside a dream report, fiction,
// news, a study question, a joke or past history, and whether the message shows the present.

import { clauseOf, type Doc, type Hit, occurrences } from "./analyser_match.ts";

export function has(doc: Doc, s: number, cls: string): boolean {
  return occurrences(doc, s, cls).length > 0;
}

function inHit(doc: Doc, hit: Hit, cls: string): boolean {
  return occurrences(doc, hit.s, cls).some((o) => o.a < hit.b && hit.a < o.b);
}

// A first-person present statement ("хочу умереть", "сегодня") stays real after a frame sentence.
export function firstPersonNow(doc: Doc, hit: Hit): boolean {
  return inHit(doc, hit, "verb1") || has(doc, hit.s, "now") || has(doc, hit.s, "recent_time");
}

/** An unreal frame (dream, fiction, news, study) covers the hit, with no "really"/"woke up" between. */
export function framed(doc: Doc, hit: Hit, frame: string): boolean {
  const breakers = frame === "dream" ? ["serious", "wake"] : ["serious"];
  // "Forget the dream: …" earlier in the message makes what follows real.
  if (frame === "dream" && seriousBefore(doc, hit)) return false;
  const breaks = (s: number, from: number, to: number) =>
    breakers.some((b) => occurrences(doc, s, b).some((o) => o.b > from && o.a < to));
  // Same sentence, before or after the hit.
  for (const m of occurrences(doc, hit.s, frame)) {
    if (m.a < hit.a ? !breaks(hit.s, m.a, hit.a) : !breaks(hit.s, hit.b, m.b)) return true;
  }
  if (firstPersonNow(doc, hit) || breaks(hit.s, 0, hit.a)) return false;
  // The nearest earlier sentence with a marker opened the frame, and nothing since has closed it.
  for (let s = hit.s - 1; s >= 0; s--) {
    const markers = occurrences(doc, s, frame);
    if (markers.length === 0) continue;
    const last = Math.max(...markers.map((m) => m.a));
    return !breaks(s, last, doc.lengths[s] ?? 0) && !between(doc, breakers, s + 1, hit.s);
  }
  return false;
}

/** A dream word earlier in the hit's own sentence ("снилось, что я прощаюсь со всеми"), not
 * dismissed ("сон не важен"). */
export function dreamBefore(doc: Doc, hit: Hit): boolean {
  const breakers = [...occurrences(doc, hit.s, "serious"), ...occurrences(doc, hit.s, "wake")];
  return occurrences(doc, hit.s, "dream").some((m) =>
    m.b <= hit.a && !breakers.some((o) => o.b > m.a && o.a < hit.a)
  );
}

function seriousBefore(doc: Doc, hit: Hit): boolean {
  for (let s = 0; s <= hit.s; s++) {
    if (occurrences(doc, s, "serious").some((o) => s < hit.s || o.a < hit.a)) return true;
  }
  return false;
}

function between(doc: Doc, classes: readonly string[], from: number, to: number): boolean {
  for (let s = from; s < to; s++) if (classes.some((c) => has(doc, s, c))) return true;
  return false;
}

/** A joke marker in the hit's sentence or the next one, not negated ("не шучу"). */
export function joking(doc: Doc, hit: Hit): boolean {
  for (let s = 0; s < doc.sentences.length; s++) if (has(doc, s, "serious")) return false;
  const negs = occurrences(doc, hit.s, "neg");
  for (const s of [hit.s, hit.s + 1]) {
    const n = s === hit.s ? negs : occurrences(doc, s, "neg");
    if (occurrences(doc, s, "joke").some((j) => !n.some((x) => x.b === j.a))) return true;
  }
  return false;
}

function sameClause(doc: Doc, hit: Hit, o: { a: number }): boolean {
  return hit.parts.some((p) => clauseOf(doc, hit.s, p) === clauseOf(doc, hit.s, { a: o.a, b: 0 }));
}

/** Clearly past time in the hit's clause (or its sentence, when nothing there is recent), and no
 * recent time word near the hit. */
export function pastHistory(doc: Doc, hit: Hit): boolean {
  const past = occurrences(doc, hit.s, "past_time");
  const recent = occurrences(doc, hit.s, "recent_time");
  if (past.length === 0) return false;
  if (!past.some((o) => sameClause(doc, hit, o)) && recent.length > 0) return false;
  return !recent.some((o) => o.a < hit.b + 3 && o.b > hit.a - 3);
}

/** A "now" word in the hit's clause, close to it: present danger. */
export function nowNear(doc: Doc, hit: Hit): boolean {
  return occurrences(doc, hit.s, "now").some((o) =>
    sameClause(doc, hit, o) && o.a < hit.b + 4 && o.b > hit.a - 4
  );
}

/** A call for help anywhere in the message: the writer is in the scene, not telling a dream. */
export function helpCall(doc: Doc): boolean {
  return doc.sentences.some((_f, s) => has(doc, s, "present_cue"));
}

// A time, a plan or a goodbye anywhere in a dream-chat message ("дата завтра", "прощайте"):
// the writer speaks of the present, not of a dream scene.
const PRESENT_SIGNS = [
  "now",
  "recent_time",
  "minutes_ago",
  "when",
  "plan_strong",
  "farewell_weak",
  "now_other",
];

export function planned(doc: Doc): boolean {
  return doc.sentences.some((_f, s) => PRESENT_SIGNS.some((c) => has(doc, s, c)));
}

export function presentAnywhere(doc: Doc): boolean {
  return doc.sentences.some((_f, s) =>
    ["now", "recent_time", "minutes_ago"].some((c) => has(doc, s, c))
  );
}

export function serious(doc: Doc): boolean {
  return doc.sentences.some((_f, s) => has(doc, s, "serious") || has(doc, s, "wake"));
}
