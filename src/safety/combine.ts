// The one place where the three triage layers are combined into a tier. The rule, in order:
//   1. An imminent-danger signal found by the analyser (a place, means at hand, «сейчас», pills
//      already taken) makes the message acute, whatever the other layers say.
//   2. Without the judge (off, timed out or failed) the most severe of the analyser and
//      moderation decides: moderation's self-harm intent or instructions are acute; its plain
//      self-harm and violence are concern.
//   3. The judge saying acute about the writer makes it acute.
//   4. The judge reading a frame (a dream, fiction, a joke, past history, news or study) decides
//      alone: it lowered the other layers' hit knowingly.
//   5. Otherwise the judge may raise the tier but lower an acute hit only to concern: a model
//      alone never silences the analyser or moderation completely.
// A crisis of someone else is concern, never acute (the writer needs guidance, not a lock).

import type { Analysis } from "./analyser.ts";
import type { JudgeVerdict } from "./judge.ts";
import { maxTier, minTier, type Tier } from "./tier.ts";

export type Source = "analyser" | "moderation" | "judge";

export interface Combined {
  tier: Tier;
  /** The layer whose verdict decided (for events and operator alerts). */
  source: Source;
  about: "self" | "other" | "none";
  /** Violence against the writer: help lines for violence are shown. */
  violence: boolean;
}

/** Moderation categories as a tier: intent or instructions are acute, the rest concern. */
export function moderationTier(categories: readonly string[]): Tier {
  if (categories.some((c) => c === "self-harm/intent" || c === "self-harm/instructions")) {
    return "acute";
  }
  if (categories.some((c) => c.startsWith("self-harm") || c.startsWith("violence"))) {
    return "concern";
  }
  return "none";
}

export function combine(
  analysis: Analysis,
  moderation: readonly string[] | undefined,
  judge: JudgeVerdict | undefined,
): Combined {
  const violence = analysis.violence || (judge?.violence ?? false);
  if (analysis.imminent && analysis.tier === "acute") {
    return { tier: "acute", source: "analyser", about: "self", violence };
  }
  const modTier = moderation ? moderationTier(moderation) : "none";
  const others = maxTier(analysis.tier, modTier);
  const othersSource: Source = analysis.tier === others ? "analyser" : "moderation";
  const about = judge ? aboutOf(judge) : analysis.about;
  const decide = (tier: Tier, source: Source): Combined => {
    // Someone else's crisis is guidance for the writer, not a lock on the writer's chat.
    const lowered = tier === "acute" && about === "other" ? "concern" : tier;
    return { tier: lowered, source, about: lowered === "none" ? "none" : about, violence };
  };
  if (!judge) return decide(others, othersSource);
  if (judge.tier === "acute") return decide("acute", "judge");
  const framed = judge.dream || judge.fiction || judge.joke || judge.past || judge.news_or_study;
  if (framed) return decide(judge.tier, "judge");
  const capped = minTier(others, "concern");
  const tier = maxTier(judge.tier, capped);
  return decide(tier, tier === judge.tier ? "judge" : othersSource);
}

function aboutOf(judge: JudgeVerdict): Combined["about"] {
  return judge.at_risk === "nobody" ? "none" : judge.at_risk;
}
