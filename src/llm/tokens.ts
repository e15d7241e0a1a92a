// Token counting for prompt budgets, with the o200k tokenizer of the gpt-4o family (exact for
// those models, a close estimate for other OpenAI-compatible ones).

import { countTokens as count } from "gpt-tokenizer/encoding/o200k_base";

/**
 * A message as the bot composes it (content a string) or as a recorded request may carry it:
 * content as a list of parts (`{ type: "text" | "input_text" | "output_text", text }`, images,
 * files), or none at all (a Responses API item such as a function call).
 */
export interface CountableMessage {
  content?: unknown;
}

/**
 * Tokens a message costs in a chat prompt: its text plus the per-message framing. Of content
 * parts only the text is counted: what an image or a file costs depends on the model and its
 * detail setting, which a prompt budget of text does not deal in.
 */
export function messageTokens(m: CountableMessage): number {
  return contentTokens(m.content) + 4;
}

function contentTokens(content: unknown): number {
  if (typeof content === "string") return count(content);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    const text = typeof part === "string" ? part : (part as { text?: unknown } | null)?.text;
    if (typeof text === "string") n += count(text);
  }
  return n;
}

export function countTokens(text: string): number {
  return count(text);
}
