// Recall and false-positive rate of the deterministic crisis detector on the labelled sets.
// Run: deno task eval:crisis

import { loadPatterns } from "../src/safety/detector.ts";
import { CRISIS_SET, evaluate, readPhrases, SAFE_SET } from "../src/safety/labelled.ts";

const e = evaluate(
  await loadPatterns(),
  await readPhrases(CRISIS_SET),
  await readPhrases(SAFE_SET),
);
console.log(`crisis phrases: ${e.crisis}, detected ${e.crisis - e.missed.length}`);
console.log(`recall: ${(e.recall * 100).toFixed(1)}%`);
console.log(`safe phrases: ${e.safe}, false alarms ${e.falseAlarms.length}`);
console.log(`false-positive rate: ${(e.falsePositiveRate * 100).toFixed(1)}%`);
for (const m of e.missed) console.log(`  missed: ${m}`);
for (const f of e.falseAlarms) console.log(`  false alarm: ${f}`);
