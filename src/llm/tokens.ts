// Token counting for prompt budgets, with the o200k tokenizer of the gpt-4o family (exact for
// those models, a close estimate for other OpenAI-compatible ones).
//
// The tokenizer's tables take ~30–60 MB of memory, so they are loaded when the first prompt is
// read (loadTokenizer, awaited by the code that reads a prompt's parts), not at start-up: a
// process that only shows menus never holds them. Counted before that, a text costs its UTF-8
// length — never fewer tokens than the tokenizer would say, so a budget is never overrun.

let exact: ((text: string) => number) | undefined;
let loading: Promise<void> | undefined;

/** Loads the tokenizer once; counts are exact from then on. */
export function loadTokenizer(): Promise<void> {
  return loading ??= import("gpt-tokenizer/encoding/o200k_base").then((m) => {
    exact = m.countTokens;
  });
}

const utf8 = new TextEncoder();

function count(text: string): number {
  return exact ? exact(text) : utf8.encode(text).length;
}

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
