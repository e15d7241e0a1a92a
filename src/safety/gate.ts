// The triage gate in front of every model call. The deterministic analyser runs first (offline,
// under a millisecond); unless it already found imminent danger, moderation and the triage judge
// are asked in parallel within one bounded time, and combine.ts turns the three verdicts into a
// tier. A layer that is off, slow or failing is simply left out: the others decide.

import type { Logger } from "../log.ts";
import type { Llm } from "../llm/llm.ts";
import { analyse, type Analysis, type Lexicon } from "./analyser.ts";
import type { Judge, JudgeVerdict } from "./judge.ts";
import { combine, type Combined } from "./combine.ts";
import type { Place } from "./tier.ts";

/** What a layer said: its verdict, or why there is none. */
export type Layer<T> = { verdict: T } | { skipped: "off" | "not_needed" | "timeout" | "error" };

export interface Verdict extends Combined {
  layers: {
    analyser: Analysis;
    moderation: Layer<string[]>;
    judge: Layer<JudgeVerdict>;
  };
}

export interface CheckInput {
  text: string;
  place: Place;
  /** The writer's previous messages in this chat, oldest first. */
  recent?: readonly string[];
}

export interface Safety {
  check(input: CheckInput): Promise<Verdict>;
  /** The offline analyser alone: no network, nothing leaves the process (before consent). */
  checkOffline(input: CheckInput): Verdict;
}

export interface SafetyDeps {
  lexicon: Lexicon;
  llm: Llm;
  /** Undefined: no moderation calls. */
  moderationModel?: string;
  /** Undefined: no judge. */
  judge?: Judge;
  /** The longest moderation and the judge may take together. */
  timeoutMs: number;
  log: Logger;
}

export function createSafety(deps: SafetyDeps): Safety {
  async function ask<T>(
    name: string,
    enabled: boolean,
    call: (signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ): Promise<Layer<T>> {
    if (!enabled) return { skipped: "off" };
    try {
      return { verdict: await call(signal) };
    } catch (err) {
      const timeout = signal.aborted;
      deps.log.warn(`Safety ${name} unavailable: the other layers decide`, {
        err: timeout ? undefined : err,
        timeout,
      });
      return { skipped: timeout ? "timeout" : "error" };
    }
  }

  const alone = (analysis: Analysis, why: "off" | "not_needed"): Verdict => ({
    ...combine(analysis, undefined, undefined),
    layers: { analyser: analysis, moderation: { skipped: why }, judge: { skipped: why } },
  });

  return {
    checkOffline({ text, place, recent = [] }) {
      return alone(analyse(deps.lexicon, text, { place, recent }), "off");
    },
    async check({ text, place, recent = [] }) {
      const analysis = analyse(deps.lexicon, text, { place, recent });
      if (analysis.imminent && analysis.tier === "acute") return alone(analysis, "not_needed");
      const signal = AbortSignal.timeout(deps.timeoutMs);
      const [moderation, judge] = await Promise.all([
        ask(
          "moderation",
          deps.moderationModel !== undefined,
          (s) => deps.llm.moderate({ model: deps.moderationModel!, text, signal: s }),
          signal,
        ),
        ask(
          "judge",
          deps.judge !== undefined,
          (s) => deps.judge!.judge({ text, place, recent }, s),
          signal,
        ),
      ]);
      return {
        ...combine(
          analysis,
          "verdict" in moderation ? moderation.verdict : undefined,
          "verdict" in judge ? judge.verdict : undefined,
        ),
        layers: { analyser: analysis, moderation, judge },
      };
    },
  };
}
