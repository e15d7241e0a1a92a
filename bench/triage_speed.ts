// Time of the offline crisis analyser per message, over every labelled message in
// fixtures/safety/ (five passes, warm), and the time to load its lexicon.
// Run: deno task bench:triage

import { analyse, loadLexicon } from "../src/safety/analyser.ts";
import { loadSets } from "../src/safety/labelled.ts";

const t0 = performance.now();
const lexicon = await loadLexicon();
const loadMs = performance.now() - t0;
const items = await loadSets();
for (const it of items) analyse(lexicon, it.text, { place: it.context }); // warm-up
const times: number[] = [];
for (let pass = 0; pass < 5; pass++) {
  for (const it of items) {
    const start = performance.now();
    analyse(lexicon, it.text, { place: it.context });
    times.push(performance.now() - start);
  }
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
const chars = items.map((i) => i.text.length).sort((a, b) => a - b);
console.log(`lexicon load: ${loadMs.toFixed(0)} ms`);
console.log(
  `${items.length} messages × 5 (median ${chars[chars.length >> 1]} characters): ` +
    `p50 ${at(0.5).toFixed(3)} ms, p95 ${at(0.95).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms, ` +
    `max ${at(1).toFixed(3)} ms`,
);
