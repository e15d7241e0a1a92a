// The crisis gate in front of every model call: the deterministic patterns first (no network),
// then — only if they see nothing — the moderation model's self-harm categories, with a short
// time limit. When moderation is unavailable the patterns alone decide.

import type { Logger } from "../log.ts";
import type { Llm } from "../llm/llm.ts";
import { type CrisisPatterns, detectCrisis } from "./detector.ts";

export interface Verdict {
  crisis: boolean;
  source?: "patterns" | "moderation";
}

export interface Safety {
  check(text: string): Promise<Verdict>;
}

export interface SafetyDeps {
  patterns: CrisisPatterns;
  llm: Llm;
  /** Undefined: no moderation calls. */
  moderationModel?: string;
  timeoutMs: number;
  log: Logger;
}

export function createSafety(deps: SafetyDeps): Safety {
  return {
    async check(text) {
      if (detectCrisis(deps.patterns, text)) return { crisis: true, source: "patterns" };
      if (!deps.moderationModel) return { crisis: false };
      try {
        const flagged = await deps.llm.selfHarm({
          model: deps.moderationModel,
          text,
          signal: AbortSignal.timeout(deps.timeoutMs),
        });
        return flagged ? { crisis: true, source: "moderation" } : { crisis: false };
      } catch (err) {
        deps.log.warn("Moderation unavailable: the crisis patterns decided alone", { err });
        return { crisis: false };
      }
    },
  };
}
