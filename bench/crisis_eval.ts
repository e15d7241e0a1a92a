// The crisis triage on the labelled sets in fixtures/safety/, run through `soulbot safety-check`
// exactly as an operator would: recall per tier and per kind, false alarms per kind, and the
// issue's bar for the offline analyser. `--live` adds moderation and the judge (OPENAI_API_KEY,
// OPENAI_BASE_URL, OPENAI_MODERATION_MODEL, OPENAI_SAFETY_MODEL from the environment).
// Run: deno task eval:crisis [--live] [--misses] [--dir DIR (other labelled sets, for tests)]

import { parseArgs } from "node:util";
import { formatReport, loadSets, score } from "../src/safety/labelled.ts";
import type { Tier } from "../src/safety/tier.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { live: { type: "boolean" }, misses: { type: "boolean" }, dir: { type: "string" } },
});
const items = await loadSets(
  values.dir ? new URL(`file://${Deno.realPathSync(values.dir)}/`) : undefined,
);
const main = new URL("../main.ts", import.meta.url).pathname;
const started = performance.now();
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", main, "safety-check", ...(values.live ? [] : ["--offline"])],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
// Output is read while input is written: neither pipe may fill up and stall the other.
const output = child.output();
const writer = child.stdin.getWriter();
const input = items.map((i) => JSON.stringify({ text: i.text, context: i.context })).join("\n");
await writer.write(new TextEncoder().encode(input + "\n"));
await writer.close();
const { code, stdout } = await output;
const seconds = (performance.now() - started) / 1000;
const out = new TextDecoder().decode(stdout).trim().split("\n").map((l) => JSON.parse(l));
if (code !== 0 || out.length !== items.length) {
  console.error(`safety-check failed (exit ${code}, ${out.length} of ${items.length} lines)`);
  Deno.exit(1);
}
const tiers = out.map((o) => o.tier as Tier);
const report = score(items, tiers);
const sources = new Map<string, number>();
for (const o of out) sources.set(o.source, (sources.get(o.source) ?? 0) + 1);
console.log(
  `${values.live ? "live (analyser + moderation + judge)" : "offline analyser"}: ` +
    `${items.length} messages in ${seconds.toFixed(1)} s (process start included)`,
);
for (const line of formatReport(report, { misses: values.misses })) console.log(line);
for (const lang of ["ru", "en"] as const) {
  const idx = items.flatMap((it, i) => it.lang === lang ? [i] : []);
  const t = score(idx.map((i) => items[i]!), idx.map((i) => tiers[i]!)).targets;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(
    `${lang} (${idx.length}): acute recall ${pct(t.acuteRecall)}, any-tier recall ` +
      `${pct(t.anyRecall)}, acute on everyday ${pct(t.acuteOnEveryday)}`,
  );
}
console.log(`decided by: ${[...sources].map(([s, n]) => `${s} ${n}`).join(", ")}`);
