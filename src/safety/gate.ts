// The triage gate in front of every model call. The deterministic analyser runs first (offline,
// under a millisecond); unless it already found imminent danger, moderation and the triage judge
// are asked in parallel within one bounded time, and combine.ts turns the three verdicts into a
// tier. A layer that is off, slow or failing is simply left out: the others decide. `begin` hands
// out the analyser's verdict before the other layers are asked, so a caller can start work that
// the final verdict will confirm or cancel (the chats start the model's answer meanwhile).

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

/**
 * A check begun: `settled` when the analyser's verdict is final (imminent danger, or no other
 * layer is on); otherwise what the analyser alone says, and `ask` asks the other layers (once).
 */
export type Checking =
  | { settled: Verdict }
  | { settled?: undefined; analyser: Combined; ask(): Promise<Verdict> };

export interface Safety {
  /** Whether moderation or the judge is on: a check may wait for them. */
  readonly online: boolean;
  check(input: CheckInput): Promise<Verdict>;
  /** The analyser now, the other layers when `ask` is called (check = begin, then ask). */
  begin(input: CheckInput): Checking;
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
  async function layer<T>(
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

  const online = deps.moderationModel !== undefined || deps.judge !== undefined;

  function begin({ text, place, recent = [] }: CheckInput): Checking {
    const analysis = analyse(deps.lexicon, text, { place, recent });
    if (analysis.imminent && analysis.tier === "acute") {
      return { settled: alone(analysis, "not_needed") };
    }
    if (!online) return { settled: alone(analysis, "off") };
    const ask = async (): Promise<Verdict> => {
      const signal = AbortSignal.timeout(deps.timeoutMs);
      const [moderation, judge] = await Promise.all([
        layer(
          "moderation",
          deps.moderationModel !== undefined,
          (s) => deps.llm.moderate({ model: deps.moderationModel!, text, signal: s }),
          signal,
        ),
        layer(
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
    };
    let asked: Promise<Verdict> | undefined;
    return {
      analyser: combine(analysis, undefined, undefined),
      ask: () => asked ??= ask(),
    };
  }

  return {
    online,
    checkOffline({ text, place, recent = [] }) {
      return alone(analyse(deps.lexicon, text, { place, recent }), "off");
    },
    begin,
    check(input) {
      const checking = begin(input);
      return checking.settled ? Promise.resolve(checking.settled) : checking.ask();
    },
  };
}
