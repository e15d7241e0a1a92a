// Token counting for prompt budgets, with the o200k tokenizer of the gpt-4o family (exact for
// those models, a close estimate for other OpenAI-compatible ones).

import { countTokens as count } from "gpt-tokenizer/encoding/o200k_base";
import type { ChatMessage } from "./llm.ts";

/** Tokens a message costs in a chat prompt: its text plus the per-message framing. */
export function messageTokens(m: ChatMessage): number {
  return count(m.content) + 4;
}

export function countTokens(text: string): number {
  return count(text);
}
