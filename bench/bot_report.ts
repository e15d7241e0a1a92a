// What bench:bot (bench/bot_process.ts) prints: every figure of a backend with its target beside
// it (the targets of the fast path, issue 18). Medians and ranges are over the rounds.

import type { PhaseResult, Summary } from "./bot_load.ts";
import type { HeapFigures } from "./bot_proc.ts";

export interface Side {
  /** Navigation burst: updates a second, and the bot's CPU per update (ms). */
  rate: number;
  cpu: number;
  /** Light load: update served → first Bot API call (ms), and CPU per update. */
  light: Summary;
  lightCpu: number;
}

export interface RoundTrips {
  label: string;
  updates: number;
  /** Per update. */
  statements: number;
  transactions: number;
}

export interface Started {
  seconds: number;
  rss: number;
}

export interface Report {
  backend: string;
  chats: number;
  bystanders: number;
  rounds: { bare: Side; soul: Side }[];
  trips?: RoundTrips[];
  firstText?: { on: PhaseResult; off: PhaseResult };
  storm?: { storm: PhaseResult; navigation: PhaseResult };
  long?: { updates: number; rate: number; cpu: number; rss: number; heap: HeapFigures };
  start?: Started;
  restart?: Started;
  freshStart?: Started;
  existingStart?: Started;
}

export interface Settings {
  lightRate: number;
  sayRate: number;
  stormModelMs: number;
}

const int = (x: number) => Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "—";
const fixed = (x: number, digits = 1) => Number.isFinite(x) ? x.toFixed(digits) : "—";
const ms = (x: number) => Number.isFinite(x) ? (x < 10 ? x.toFixed(1) : x.toFixed(0)) : "—";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "222 (218–242)": the median of the rounds and their range. */
function spread(xs: number[], f: (x: number) => string): string {
  if (xs.length <= 1) return f(xs[0] ?? NaN);
  return `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}

function line(label: string, value: string, target?: string) {
  const body = `  ${label.padEnd(44)} ${value}`;
  console.log(target ? `${body.padEnd(96)} target ${target}` : body);
}

export function printReport(r: Report, s: Settings): void {
  const soul = r.rounds.map((x) => x.soul);
  const bare = r.rounds.map((x) => x.bare);
  console.log("");
  console.log(
    `== ${r.backend}: ${int(r.chats)} chats (+${int(r.bystanders)} bystanders), ` +
      `${navigator.hardwareConcurrency} CPUs; median (range) of ${r.rounds.length} rounds ==`,
  );
  console.log("1. navigation burst, updates/s (4 presses and commands per chat at once)");
  line("SoulNear", spread(soul.map((x) => x.rate), int), "≥1,500");
  line("bare grammY", spread(bare.map((x) => x.rate), int));
  line(
    "SoulNear / bare",
    spread(r.rounds.map((x) => 100 * x.soul.rate / x.bare.rate), (x) => `${fixed(x)}%`),
    "≥25% (PostgreSQL)",
  );
  console.log("2. bot CPU per update (ms; /proc utime+stime over the phase)");
  line("SoulNear, burst", spread(soul.map((x) => x.cpu), (x) => fixed(x, 2)), "≤0.5 ms");
  line(
    "SoulNear, light load (idle work included)",
    spread(soul.map((x) => x.lightCpu), (x) => fixed(x, 2)),
  );
  line("bare grammY, burst", spread(bare.map((x) => x.cpu), (x) => fixed(x, 2)));
  line(
    "bare grammY, light load (idle work included)",
    spread(bare.map((x) => x.lightCpu), (x) => fixed(x, 2)),
  );
  console.log(
    `3. light load (${s.lightRate} updates/s): update served → first Bot API call, ms`,
  );
  const pcts = (xs: Side[]) =>
    ["p50", "p95", "p99"].map((p) => `${p} ${spread(xs.map((x) => x.light[p as "p50"]), ms)}`).join(
      ", ",
    );
  line("SoulNear", pcts(soul), "p99 ≤20 ms");
  line("bare grammY", pcts(bare));
  if (r.trips) {
    console.log("4. database per update: statements + 2 × transactions = round trips");
    for (const t of r.trips) {
      const trips = t.statements + 2 * t.transactions;
      const target = t.label.startsWith("tap")
        ? "≤3"
        : t.label.startsWith("assistant")
        ? "≤6"
        : undefined;
      line(
        `${t.label} (${t.updates})`,
        `${fixed(t.statements, 2)} + 2 × ${fixed(t.transactions, 2)} = ${fixed(trips, 2)}`,
        target,
      );
    }
  }
  if (r.firstText) {
    const { on, off } = r.firstText;
    console.log(
      "5. first text of an answer beyond the model's time to first token (first text − served −" +
        ` 300 ms), ms; messages at ${s.sayRate}/s`,
    );
    const show = (p: PhaseResult) =>
      `p50 ${ms(p.textBeyondModel!.p50)}, p95 ${ms(p.textBeyondModel!.p95)}, n ${
        p.textBeyondModel!.n
      }`;
    const parts = (p: PhaseResult) =>
      `(p50s: the model called ${ms(p.modelCalled!.p50)} ms after served, the first text ` +
      `${ms(p.textAfterToken!.p50)} ms after its first token)`;
    line("moderation on (150 ms)", show(on), "≤50 ms");
    line("", parts(on));
    line("moderation off", show(off));
    line("", parts(off));
  }
  if (r.storm) {
    const { storm, navigation } = r.storm;
    console.log(
      `6. storm: ${int(r.chats)} chats × 2 messages at once, the model ${s.stormModelMs} ms to ` +
        `its first token`,
    );
    line(
      "answered",
      `${int(storm.done.n)} of ${int(storm.updates)} in ${fixed(storm.seconds)} s; ` +
        `chats answered out of order: ${storm.outOfOrder ?? 0}`,
      "all, in order",
    );
    line(
      "model calls in flight at once, at most",
      `${int(storm.modelPeak)} (of ${int(r.chats)} chats)`,
      `${int(r.chats)} (all together)`,
    );
    line(
      "bystanders' navigation, served → first call",
      `p50 ${ms(navigation.firstCall.p50)} ms, p95 ${ms(navigation.firstCall.p95)} ms ` +
        `(${navigation.updates} updates)`,
      "p95 ≤1,000 ms",
    );
  }
  console.log("7. resident memory of the bot process (VmRSS)");
  if (r.start) line("after start", `${fixed(r.start.rss, 0)} MiB`);
  if (r.long) {
    line(
      `after ${int(r.long.updates)} more navigation updates`,
      `${fixed(r.long.rss, 0)} MiB (they ran at ${int(r.long.rate)}/s, ` +
        `${fixed(r.long.cpu, 2)} ms CPU each)`,
      "≤200 MB (PostgreSQL)",
    );
    const h = r.long.heap;
    line(
      "of which V8's heap, used / total; external",
      `${fixed(h.heapUsed, 0)} / ${fixed(h.heapTotal, 0)} MiB; ${fixed(h.external, 0)} MiB`,
    );
  }
  console.log('8. start-up: spawn → the "polling" line, and RSS then');
  if (r.freshStart) {
    line(
      "empty DATA_DIR",
      `${fixed(r.freshStart.seconds, 2)} s, ${fixed(r.freshStart.rss, 0)} MiB`,
      "≤1.5 s (PGlite)",
    );
  }
  if (r.start) {
    line(
      "seeded database, first start",
      `${fixed(r.start.seconds, 2)} s, ${fixed(r.start.rss, 0)} MiB`,
    );
  }
  if (r.restart) {
    line("restart after a run", `${fixed(r.restart.seconds, 2)} s, ${fixed(r.restart.rss, 0)} MiB`);
  }
  if (r.existingStart) {
    line(
      "existing DATA_DIR, after the whole run",
      `${fixed(r.existingStart.seconds, 2)} s, ${fixed(r.existingStart.rss, 0)} MiB`,
    );
  }
}
