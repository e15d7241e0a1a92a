// A model's answer generated apart from showing it: what the prompt needs is read from the
// database, the call is started, and its text is held until `show` hands it on — or dropped,
// the call aborted, when the answer is no longer wanted (`cancel`). The chats start it while the
// crisis triage is still deciding (moderation and the judge take about as long as the model's
// first token), so the first text costs the longer of the two instead of their sum, and a
// message judged a crisis never shows a word of it (answer.ts shows it only once triaged).

import type { BotContext, BotServices } from "./context.ts";
import { type Assistant, type Care, composePrompt, type Prompt } from "../llm/prompts.ts";
import {
  type ChatMessage,
  type CompletionResult,
  type LlmApi,
  LlmCancelledError,
} from "../llm/llm.ts";
import { mainNumber } from "../safety/helplines.ts";
import { recentTurns } from "../chat/history.ts";
import { userStyle } from "./user.ts";
import { DEFAULT_STYLE, type Style } from "../style/style.ts";
import { isPersonal, patternsForPrompt } from "../patterns/relevance.ts";
import { loadProfile } from "../patterns/store.ts";
import { cleanName } from "../users/users.ts";
import { loadTokenizer } from "../llm/tokens.ts";

/** What generating uses. */
export type GenerationDeps = Pick<
  BotServices,
  "db" | "llm" | "ai" | "analysis" | "now" | "helplines"
>;

/** What a prompt is made of besides the care: read once, used by every try of the answer. */
export interface PromptParts {
  assistant: Assistant;
  /** The message to answer. */
  text: string;
  style: Style;
  patterns: string[];
  history: ChatMessage[];
}

/**
 * Reads what the prompt for `text` needs: the user's style, relevant patterns and the turns
 * before message `beforeId` (without it, the latest turns: the message is not saved yet).
 */
export async function readPromptParts(
  ctx: BotContext,
  d: Pick<GenerationDeps, "db" | "analysis" | "now">,
  assistant: Assistant,
  text: string,
  beforeId?: number,
): Promise<PromptParts> {
  const { db, analysis, now } = d;
  const userId = ctx.user.id;
  const [style, patterns, history] = await Promise.all([
    ctx.flags.enableStyleSettings ? userStyle(ctx, db) : DEFAULT_STYLE,
    analysis.enabledFor(userId) && isPersonal(text)
      ? loadProfile(db, userId).then((p) => patternsForPrompt(p.patterns, text, now()))
      : [],
    recentTurns(db, userId, assistant, beforeId),
    loadTokenizer(), // composePrompt's budget counts with it; loaded at the process's first prompt
  ]);
  return { assistant, text, style, patterns, history };
}

export interface Generation {
  /** The care the prompt was composed with. */
  readonly care: Care | undefined;
  readonly parts: PromptParts;
  readonly prompt: Prompt;
  /** The OpenAI API asked (USE_CHAT_COMPLETION, per user). */
  readonly api: LlmApi;
  /** The whole answer; rejects as the call does (LlmCancelledError once cancelled). */
  readonly result: Promise<CompletionResult>;
  /** Whether the call has ended (answered, failed or cancelled). */
  readonly ended: boolean;
  /** Hands the text generated so far to `push` at once, then every new piece as it comes. */
  show(push: (delta: string) => void): void;
  /** The answer is not wanted: the call is aborted (if still running) and its text dropped. */
  cancel(why: string): void;
}

/** Starts the model's answer to `parts` with `care`; nothing is shown until `show`. */
export function generate(
  ctx: BotContext,
  d: GenerationDeps,
  parts: PromptParts,
  care: Care | undefined,
): Generation {
  const { llm, ai } = d;
  const user = ctx.user;
  const prompt = composePrompt({
    assistant: parts.assistant,
    style: parts.style,
    patterns: parts.patterns,
    user: { name: promptName(user), age: user.age, gender: user.gender },
    history: parts.history,
    message: parts.text,
    budget: ai.promptTokenBudget,
    care: care && { kind: care, helpline: mainNumber(d.helplines) },
  });
  const cancelled = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, cancelled.signal]) : cancelled.signal;
  let held = "";
  let push: ((delta: string) => void) | undefined;
  let running = true;
  const api = ai.api(user.id);
  const result = llm.complete({
    api,
    model: ai.model,
    messages: prompt.messages,
    maxOutputTokens: prompt.maxOutputTokens,
    temperature: 0.7,
    onDelta: (delta) => push ? push(delta) : held += delta,
    signal,
  }).finally(() => running = false);
  // Whoever shows the answer awaits the result; one cancelled or never shown must not end up an
  // unhandled rejection.
  result.catch(() => {});
  return {
    care,
    parts,
    prompt,
    api,
    result,
    get ended() {
      return !running;
    },
    show(to) {
      push = to;
      if (held) to(held);
      held = "";
    },
    cancel(why) {
      if (!running || cancelled.signal.aborted) return;
      // No usage comes with a stream cut short: its tokens stay unknown (metrics: "cancelled").
      ctx.log.info("The model's answer was cancelled", {
        why,
        shown: push !== undefined,
        held_chars: held.length,
      });
      push = undefined;
      held = "";
      cancelled.abort(new LlmCancelledError(`The answer is not wanted: ${why}`));
    },
  };
}

/**
 * The name the model may use: the chosen one, else Telegram's, and only if it passes the name
 * rules now (a name stored before they were tightened may not).
 */
function promptName(user: { display_name: string | null; first_name: string | null }) {
  return cleanName(user.display_name ?? user.first_name ?? "");
}
