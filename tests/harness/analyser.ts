// The crisis analyser for tests: `read` a text, or `expect` a tier (and a signal) of each text.

import assert from "node:assert/strict";
import {
  analyse,
  type AnalyseOptions,
  type Analysis,
  loadLexicon,
  type Tier,
} from "../../src/safety/analyser.ts";

export async function analyserProbe() {
  const lexicon = await loadLexicon();
  const read = (text: string, opts?: AnalyseOptions): Analysis => analyse(lexicon, text, opts);
  /** Every text gets the tier, and (when given) shows the signal. */
  const expect = (tier: Tier, texts: string[], signal?: string, opts?: AnalyseOptions): void => {
    for (const text of texts) {
      const a = read(text, opts);
      assert.equal(a.tier, tier, `${text} → ${JSON.stringify(a)}`);
      if (signal) assert.ok(a.signals.includes(signal), `${text}: no ${signal} in ${a.signals}`);
    }
  };
  return { lexicon, read, expect };
}
