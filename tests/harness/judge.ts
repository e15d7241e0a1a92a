// Triage judge verdicts for tests: a calm one ("none, nobody, everyday") with the fields a test
// cares about changed.

import type { JudgeVerdict } from "../../src/safety/judge.ts";

export function verdict(changes: Partial<JudgeVerdict> = {}): JudgeVerdict {
  return {
    tier: "none",
    at_risk: "nobody",
    when: "not_applicable",
    dream: false,
    fiction: false,
    joke: false,
    past: false,
    news_or_study: false,
    violence: false,
    reason: "everyday",
    ...changes,
  };
}
