// The narrow interface every feature uses to ask a language model, whatever the API behind it
// (Chat Completions or Responses) or the server (OpenAI or any compatible one).

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export type LlmApi = "chat" | "responses";

export interface CompletionRequest {
  /** Which OpenAI API to use (USE_CHAT_COMPLETION, decided per user by the caller). */
  api: LlmApi;
  model: string;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  /** Called with each piece of text as it is generated (streaming); omit for a plain call. */
  onDelta?: (delta: string) => void;
  /** Structured output: the answer is JSON matching this schema (strict JSON Schema). */
  json?: { name: string; schema: Record<string, unknown> };
  signal?: AbortSignal;
}

export interface EmbeddingRequest {
  model: string;
  input: string[];
  signal?: AbortSignal;
}

export interface CompletionResult {
  text: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** "stop", "length", ... as the API reported it. */
  finishReason?: string;
}

export interface Llm {
  complete(req: CompletionRequest): Promise<CompletionResult>;
  /** One vector per input string, in order. */
  embed(req: EmbeddingRequest): Promise<number[][]>;
  /** The moderation model's categories flagged for the text ("self-harm/intent", "violence", ...). */
  moderate(req: { model: string; text: string; signal?: AbortSignal }): Promise<string[]>;
}

/** The model could not answer (after the bounded retries): timeout, 429 or 5xx, network. */
export class LlmUnavailableError extends Error {
  override name = "LlmUnavailableError";
}

/**
 * The reason to abort a call whose answer is no longer wanted (a crisis verdict came while it was
 * generated): the call ends with it and is counted as cancelled, neither a failure nor an answer.
 */
export class LlmCancelledError extends Error {
  override name = "LlmCancelledError";
}
