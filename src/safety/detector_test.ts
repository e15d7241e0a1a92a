// The crisis detector on the labelled sets (see `deno task eval:crisis`) and on the tricks people
// use: look-alike letters, stretched words, an idiom beside a real signal.

import assert from "node:assert/strict";
import { detectCrisis, loadPatterns, normalise } from "./detector.ts";
import { CRISIS_SET, evaluate, readPhrases, SAFE_SET } from "./labelled.ts";

const patterns = await loadPatterns();

Deno.test("every labelled crisis phrase is detected; harmless ones (≤1%) are not", async () => {
  const crisis = await readPhrases(CRISIS_SET);
  const safe = await readPhrases(SAFE_SET);
  assert.ok(crisis.length >= 60 && safe.length >= 150, `${crisis.length} / ${safe.length}`);
  const e = evaluate(patterns, crisis, safe);
  assert.deepEqual(e.missed, [], "recall must be 100%");
  assert.ok(e.falsePositiveRate <= 0.01, `false alarms: ${e.falseAlarms.join(" | ")}`);
});

Deno.test("normalisation: Latin look-alikes, ё, stretched letters, punctuation", () => {
  assert.equal(normalise("Хoчу  yмepeть!!!"), " хочу умереть ");
  assert.equal(normalise("Всё… хочууууу"), " все хочу ");
});

Deno.test("an idiom next to a real signal still counts", () => {
  assert.ok(detectCrisis(patterns, "Убиваю время, а вообще хочу умереть"));
  assert.ok(!detectCrisis(patterns, "Убиваю время до поезда"));
  assert.ok(!detectCrisis(patterns, "мне снилось, что я падаю"));
});
