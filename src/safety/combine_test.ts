// The combination rule of the three triage layers, case by case (see combine.ts).

import assert from "node:assert/strict";
import { combine, moderationTier } from "./combine.ts";
import type { Analysis } from "./analyser.ts";
import { verdict } from "../../tests/harness/judge.ts";

const analysis = (a: Partial<Analysis> = {}): Analysis => ({
  tier: "none",
  signals: [],
  lowered: [],
  imminent: false,
  about: "none",
  violence: false,
  ...a,
});

const judge = verdict;

Deno.test("moderation categories: intent and instructions are acute, the rest concern", () => {
  assert.equal(moderationTier(["self-harm", "self-harm/intent"]), "acute");
  assert.equal(moderationTier(["self-harm/instructions"]), "acute");
  assert.equal(moderationTier(["self-harm"]), "concern");
  assert.equal(moderationTier(["violence"]), "concern");
  assert.equal(moderationTier(["harassment"]), "none");
  assert.equal(moderationTier([]), "none");
});

Deno.test("imminent danger from the analyser is acute whatever the others say", () => {
  const a = analysis({ tier: "acute", imminent: true, about: "self", signals: ["imminent"] });
  const j = judge({ tier: "none", dream: true, reason: "dream" });
  assert.deepEqual(combine(a, [], j), {
    tier: "acute",
    source: "analyser",
    about: "self",
    violence: false,
  });
});

Deno.test("without the judge the most severe of analyser and moderation decides", () => {
  assert.equal(
    combine(analysis({ tier: "concern", about: "self" }), undefined, undefined).tier,
    "concern",
  );
  const byModeration = combine(analysis(), ["self-harm/intent"], undefined);
  assert.equal(byModeration.tier, "acute");
  assert.equal(byModeration.source, "moderation");
  const byAnalyser = combine(analysis({ tier: "acute", about: "self" }), ["self-harm"], undefined);
  assert.equal(byAnalyser.tier, "acute");
  assert.equal(byAnalyser.source, "analyser");
});

Deno.test("the judge saying acute about the writer raises to acute", () => {
  const c = combine(analysis(), [], judge({ tier: "acute", at_risk: "self", reason: "farewell" }));
  assert.equal(c.tier, "acute");
  assert.equal(c.source, "judge");
  assert.equal(c.about, "self");
});

Deno.test("a frame read by the judge (dream, fiction, joke, past) lowers the other layers' hit", () => {
  const hit = analysis({ tier: "acute", about: "self", signals: ["intent"] });
  for (const flag of ["dream", "fiction", "joke", "past", "news_or_study"] as const) {
    const c = combine(hit, ["self-harm"], judge({ tier: "none", [flag]: true }));
    assert.equal(c.tier, "none", flag);
    assert.equal(c.source, "judge");
  }
  const past = combine(hit, [], judge({ tier: "concern", past: true, at_risk: "self" }));
  assert.equal(past.tier, "concern");
});

Deno.test("without a frame the judge lowers an acute hit only to concern", () => {
  const c = combine(analysis({ tier: "acute", about: "self" }), [], judge({ tier: "none" }));
  assert.equal(c.tier, "concern");
  assert.equal(c.source, "analyser");
  const mod = combine(analysis(), ["self-harm/intent"], judge({ tier: "none" }));
  assert.equal(mod.tier, "concern");
  assert.equal(mod.source, "moderation");
});

Deno.test("the judge raises none to concern", () => {
  const c = combine(
    analysis(),
    [],
    judge({ tier: "concern", at_risk: "self", reason: "passive_wish" }),
  );
  assert.deepEqual(c, { tier: "concern", source: "judge", about: "self", violence: false });
});

Deno.test("someone else's crisis is concern, never acute", () => {
  const c = combine(
    analysis({ tier: "concern", about: "other" }),
    ["self-harm/intent"],
    judge({ tier: "acute", at_risk: "other", when: "now", reason: "other_person" }),
  );
  assert.equal(c.tier, "concern");
  assert.equal(c.about, "other");
});

Deno.test("violence against the writer from either layer is kept", () => {
  assert.equal(
    combine(analysis({ tier: "acute", violence: true, about: "self" }), [], undefined).violence,
    true,
  );
  const j = judge({ tier: "acute", at_risk: "self", violence: true, reason: "violence" });
  assert.equal(combine(analysis(), [], j).violence, true);
});

Deno.test("nothing anywhere is none", () => {
  assert.deepEqual(combine(analysis(), [], judge()), {
    tier: "none",
    source: "judge",
    about: "none",
    violence: false,
  });
  assert.equal(combine(analysis(), undefined, undefined).tier, "none");
});
