// Builds the safety gate and the help lines from their data files (safety/): the analyser's
// lexicon, the judge's prompt, the help lines. Called once at start by every entry point.

import type { Logger } from "../log.ts";
import type { Llm } from "../llm/llm.ts";
import { type Lexicon, loadLexicon } from "./analyser.ts";
import { createJudge, loadJudgePrompt } from "./judge.ts";
import { createSafety, type Safety } from "./gate.ts";
import { type Helplines, loadHelplines } from "./helplines.ts";

export interface SafetySetup {
  llm: Llm;
  /** An already compiled lexicon (tests share one); loaded from safety/ otherwise. */
  lexicon?: Lexicon;
  /** Undefined: no moderation layer. */
  moderationModel?: string;
  /** Undefined: no judge layer. */
  safetyModel?: string;
  timeoutMs: number;
  log: Logger;
}

export async function setUpSafety(
  opts: SafetySetup,
): Promise<{ safety: Safety; helplines: Helplines }> {
  const [lexicon, prompt, helplines] = await Promise.all([
    opts.lexicon ?? loadLexicon(),
    opts.safetyModel ? loadJudgePrompt() : Promise.resolve(""),
    loadHelplines(),
  ]);
  const safety = createSafety({
    lexicon,
    llm: opts.llm,
    moderationModel: opts.moderationModel,
    judge: opts.safetyModel ? createJudge(opts.llm, opts.safetyModel, prompt) : undefined,
    timeoutMs: opts.timeoutMs,
    log: opts.log,
  });
  return { safety, helplines };
}
