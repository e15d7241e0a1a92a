// The lexical fallback's threshold holds on the labelled pairs (see `deno task eval:merge`).

import assert from "node:assert/strict";
import { cosine, LEXICAL_THRESHOLD, lexicalSimilarity, sameTitle, stems } from "./similarity.ts";
import { loadPairs, sweep } from "./pairs.ts";

Deno.test("cosine similarity", () => {
  assert.equal(cosine([1, 0], [1, 0]), 1);
  assert.equal(cosine([1, 0], [0, 1]), 0);
  assert.equal(cosine([1, 0], [1]), 0);
});

Deno.test("stems ignore case, ё, short and stop words", () => {
  assert.deepEqual([...stems("Страх осуждения всегда ЁЛКА и я")], ["страх", "осужд", "елка"]);
  assert.ok(sameTitle("Страх  осуждения!", "страх осуждения"));
  assert.ok(!sameTitle("Страх осуждения", "Страх одиночества"));
});

Deno.test("on the labelled pairs the lexical threshold keeps precision ≥ 0.9 and recall ≥ 0.7", async () => {
  const pairs = await loadPairs();
  assert.ok(pairs.length >= 30);
  const r = sweep(
    pairs.map((p) => ({ same: p.same, score: lexicalSimilarity(p.a, p.b) })),
    LEXICAL_THRESHOLD,
  );
  assert.ok(r.precision >= 0.9, `precision ${r.precision}`);
  assert.ok(r.recall >= 0.7, `recall ${r.recall}`);
});
