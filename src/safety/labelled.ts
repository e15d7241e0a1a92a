// The labelled triage sets in fixtures/safety/: risk/ (acute and concern kinds), past/ (past
// history told now: concern, never acute) and everyday/ (none), one JSON Lines file per kind.
// Scoring by tier and kind, the same for the offline analyser and the live layers.

import type { Place, Tier } from "./tier.ts";

export const SETS_DIR = new URL("../../fixtures/safety/", import.meta.url);
export const GROUPS = ["risk", "past", "everyday"] as const;
export type Group = typeof GROUPS[number];

export interface Labelled {
  text: string;
  tier: Tier;
  lang: "ru" | "en";
  context: Place;
  group: Group;
  /** The file name without .jsonl. */
  kind: string;
}

export async function loadSets(dir: URL = SETS_DIR): Promise<Labelled[]> {
  const out: Labelled[] = [];
  for (const group of GROUPS) {
    const files: string[] = [];
    for await (const e of Deno.readDir(new URL(`${group}/`, dir))) {
      if (e.isFile && e.name.endsWith(".jsonl")) files.push(e.name);
    }
    for (const name of files.sort()) {
      const text = await Deno.readTextFile(new URL(`${group}/${name}`, dir));
      for (const [i, line] of text.split("\n").entries()) {
        if (!line.trim()) continue;
        let item: Omit<Labelled, "group" | "kind">;
        try {
          item = JSON.parse(line);
        } catch (err) {
          throw new Error(`Cannot read ${group}/${name}:${i + 1}: not JSON`, { cause: err });
        }
        out.push({ ...item, group, kind: name.replace(/\.jsonl$/, "") });
      }
    }
  }
  return out;
}

export interface KindScore {
  group: Group;
  kind: string;
  /** The label of the kind's items (the most common one, for mixed files). */
  label: Tier;
  n: number;
  acute: number;
  concern: number;
}

export interface Targets {
  /** Acute predicted on items labelled acute. */
  acuteRecall: number;
  /** Acute or concern predicted on risk/ items. */
  anyRecall: number;
  /** Acute predicted on everyday/ items, on everyday/dream, and on past/ items. */
  acuteOnEveryday: number;
  acuteOnDreams: number;
  acuteOnPast: number;
  /** Concern predicted on everyday/ items (answered carefully: a smaller harm). */
  concernOnEveryday: number;
}

export interface Report {
  kinds: KindScore[];
  targets: Targets;
  /** Misclassified items: labelled acute but not acute, risk items with none, everyday acute. */
  misses: Array<{ item: Labelled; got: Tier }>;
}

const ratio = (a: number, b: number) => b === 0 ? 0 : a / b;

/** Scores predictions (`got[i]` for `items[i]`). */
export function score(items: readonly Labelled[], got: readonly Tier[]): Report {
  const kinds = new Map<string, KindScore & { labels: Record<Tier, number> }>();
  const misses: Report["misses"] = [];
  for (const [i, item] of items.entries()) {
    const tier = got[i]!;
    const key = `${item.group}/${item.kind}`;
    const k = kinds.get(key) ??
      {
        group: item.group,
        kind: item.kind,
        label: item.tier,
        n: 0,
        acute: 0,
        concern: 0,
        labels: { acute: 0, concern: 0, none: 0 },
      };
    k.n++;
    k.labels[item.tier]++;
    if (tier === "acute") k.acute++;
    if (tier === "concern") k.concern++;
    kinds.set(key, k);
    const wrong = item.tier === "acute"
      ? tier !== "acute"
      : item.group === "risk"
      ? tier === "none"
      : tier === "acute";
    if (wrong) misses.push({ item, got: tier });
  }
  const count = (pred: (l: Labelled, t: Tier) => boolean) =>
    items.filter((l, i) => pred(l, got[i]!)).length;
  const acuteItems = count((l) => l.tier === "acute");
  const risk = count((l) => l.group === "risk");
  const everyday = count((l) => l.group === "everyday");
  const dreams = count((l) => l.group === "everyday" && l.kind === "dream");
  const past = count((l) => l.group === "past");
  return {
    kinds: [...kinds.values()].map(({ labels, ...k }) => ({
      ...k,
      label: (Object.entries(labels) as [Tier, number][]).sort((a, b) => b[1] - a[1])[0]![0],
    })),
    targets: {
      acuteRecall: ratio(count((l, t) => l.tier === "acute" && t === "acute"), acuteItems),
      anyRecall: ratio(count((l, t) => l.group === "risk" && t !== "none"), risk),
      acuteOnEveryday: ratio(count((l, t) => l.group === "everyday" && t === "acute"), everyday),
      acuteOnDreams: ratio(
        count((l, t) => l.group === "everyday" && l.kind === "dream" && t === "acute"),
        dreams,
      ),
      acuteOnPast: ratio(count((l, t) => l.group === "past" && t === "acute"), past),
      concernOnEveryday: ratio(
        count((l, t) => l.group === "everyday" && t === "concern"),
        everyday,
      ),
    },
    misses,
  };
}

/** The issue's bar for the offline analyser. */
export const BAR = {
  acuteRecall: 0.9,
  anyRecall: 0.9,
  acuteOnEveryday: 0.02,
  acuteOnDreams: 0.02,
} as const;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The report as text: per kind, then the targets against the bar. */
export function formatReport(r: Report, opts: { misses?: boolean } = {}): string[] {
  const out = ["kind                         label     n   acute  concern  any"];
  for (const k of r.kinds) {
    out.push(
      `${`${k.group}/${k.kind}`.padEnd(28)} ${k.label.padEnd(8)} ${String(k.n).padStart(4)}  ` +
        `${pct(k.acute / k.n).padStart(6)}  ${pct(k.concern / k.n).padStart(6)}  ` +
        `${pct((k.acute + k.concern) / k.n).padStart(6)}`,
    );
  }
  const t = r.targets;
  const mark = (ok: boolean) => ok ? "✓" : "✗";
  out.push(
    "",
    `acute recall on acute kinds:     ${pct(t.acuteRecall)} ${
      mark(t.acuteRecall >= BAR.acuteRecall)
    } (≥ 90%)`,
    `any-tier recall on risk kinds:   ${pct(t.anyRecall)} ${
      mark(t.anyRecall >= BAR.anyRecall)
    } (≥ 90%)`,
    `acute on everyday messages:      ${pct(t.acuteOnEveryday)} ${
      mark(t.acuteOnEveryday <= BAR.acuteOnEveryday)
    } (≤ 2%)`,
    `acute on dream reports:          ${pct(t.acuteOnDreams)} ${
      mark(t.acuteOnDreams <= BAR.acuteOnDreams)
    } (≤ 2%)`,
    `acute on past history:           ${pct(t.acuteOnPast)}`,
    `concern on everyday messages:    ${pct(t.concernOnEveryday)}`,
  );
  if (opts.misses) {
    out.push("");
    for (const m of r.misses) {
      out.push(`  ${m.item.group}/${m.item.kind} (${m.item.tier} → ${m.got}): ${m.item.text}`);
    }
  }
  return out;
}
