// The labelled triage sets and the offline analyser against the bar: the sets are large
// enough and cover every kind; the analyser meets the bar on them (a regression guard — the
// honest estimate for new text is the held-out set, see docs/SAFETY.md).

import assert from "node:assert/strict";
import { BAR, loadSets, score, SETS_DIR } from "./labelled.ts";
import { analyse, loadLexicon } from "./analyser.ts";

const RISK_KINDS = [
  "imminent",
  "intent_plan",
  "farewell",
  "self_harm",
  "violence",
  "slang",
  "obfuscated",
  "passive_wish",
  "hopelessness",
  "other_person",
  "ambiguous",
];
const EVERYDAY_KINDS = [
  "dream",
  "fiction",
  "news",
  "study",
  "medical",
  "idiom_joke",
  "pets_accidents",
  "emotion",
  "daily_life",
  "long_mixed",
];

Deno.test("the labelled sets: ≥ 400 risk and ≥ 800 everyday messages, every kind, both languages", async () => {
  const items = await loadSets();
  const risk = items.filter((i) => i.group === "risk");
  const everyday = items.filter((i) => i.group === "everyday");
  assert.ok(risk.length >= 400, `${risk.length} risk`);
  assert.ok(everyday.length >= 800, `${everyday.length} everyday`);
  assert.ok(items.some((i) => i.group === "past"));
  assert.deepEqual([...new Set(risk.map((i) => i.kind))].sort(), [...RISK_KINDS].sort());
  assert.deepEqual([...new Set(everyday.map((i) => i.kind))].sort(), [...EVERYDAY_KINDS].sort());
  for (const lang of ["ru", "en"]) assert.ok(items.filter((i) => i.lang === lang).length > 200);
  for (const i of items) {
    const expected = i.group === "everyday" ? ["none"] : ["acute", "concern"];
    assert.ok(expected.includes(i.tier), `${i.group}/${i.kind}: ${i.tier}`);
  }
  const held = await loadSets(new URL("holdout/", SETS_DIR));
  assert.ok(held.length >= 300, "the held-out set is there");
});

Deno.test("the offline analyser meets the bar on the labelled sets", async () => {
  const lexicon = await loadLexicon();
  const items = await loadSets();
  const got = items.map((i) => analyse(lexicon, i.text, { place: i.context }).tier);
  const t = score(items, got).targets;
  assert.ok(t.acuteRecall >= BAR.acuteRecall, `acute recall ${t.acuteRecall}`);
  assert.ok(t.anyRecall >= BAR.anyRecall, `any-tier recall ${t.anyRecall}`);
  assert.ok(t.acuteOnEveryday <= BAR.acuteOnEveryday, `acute on everyday ${t.acuteOnEveryday}`);
  assert.ok(t.acuteOnDreams <= BAR.acuteOnDreams, `acute on dreams ${t.acuteOnDreams}`);
});
