// Wire payloads for the OpenAI mock in openai_mock.ts: scripted-response types plus the JSON
// bodies and SSE frames for chat completions, embeddings and moderations.
import type OpenAI from "openai";
import type { StreamFault } from "./openai_mock_sse.ts";

export type EndpointKind = "chat" | "responses" | "embeddings" | "moderations";

/** One function/tool call the "model" makes; `arguments` objects are JSON-encoded. */
export interface ToolCallSpec {
  name: string;
  arguments: string | Record<string, unknown>;
  id?: string;
}

/** Overrides for the token counts otherwise estimated from text length. */
export interface UsageOverride {
  promptTokens?: number;
  completionTokens?: number;
}

interface Timing {
  /**
   * Only for a request naming this model: a request takes the first queued response of its kind
   * whose model is unset or its own (requests made in parallel, such as the triage judge's and
   * the answer's, then get theirs whatever order they arrive in).
   */
  model?: string;
  /** Answer only once this settles (tests order answers against other events with it). */
  after?: Promise<unknown>;
  /** Wait this long before answering (aborted early when the client disconnects). */
  delayMs?: number;
  /** For streamed answers: wait this long between SSE frames. */
  chunkDelayMs?: number;
  status?: never;
}

/** A text and/or tool-call answer for "chat" (Chat Completions) or "responses". */
export interface TextReply extends Timing {
  text?: string;
  toolCalls?: ToolCallSpec[];
  usage?: UsageOverride;
  /** Chat only; defaults to "tool_calls" when tool calls are present, else "stop". */
  finishReason?: "stop" | "length" | "content_filter";
  /**
   * Streamed answers only: the stream goes wrong after `streamFaultAfter` frames (default: half of
   * them) — `error`: an SSE error event (the server gave up); `malformed`: a frame that is not
   * JSON; `cut`: the connection breaks; `truncated`: the stream just ends, without the rest;
   * `hang`: nothing more comes until the mock closes (a reader that waits as long as a worker that
   * died would), then the stream ends without the rest.
   */
  streamFault?: StreamFault;
  streamFaultAfter?: number;
}

export interface ScriptedChat extends TextReply {
  kind: "chat";
}
export interface ScriptedResponses extends TextReply {
  kind: "responses";
}
export interface ScriptedEmbeddings extends Timing {
  kind: "embeddings";
  /** vectors[i] answers input i; missing ones fall back to the hash-derived vector. */
  vectors: number[][];
}
export interface ScriptedModeration extends Timing {
  kind: "moderations";
  flagged: boolean;
  categories?: Record<string, boolean>;
}
/** An OpenAI-style error answer (retry-after / retry-after-ms headers when retryAfter is set). */
export interface ScriptedError {
  kind: EndpointKind;
  status: number;
  message?: string;
  type?: string;
  code?: string;
  /** Seconds; may be fractional (0 = retry immediately). */
  retryAfter?: number;
  delayMs?: number;
  /** As for the other responses: only for a request naming this model. */
  model?: string;
}

export type ScriptedResponse =
  | ScriptedChat
  | ScriptedResponses
  | ScriptedEmbeddings
  | ScriptedModeration
  | ScriptedError;

/** Identity of one generated answer. */
export interface ReplyContext {
  id: string;
  model: string;
  created: number;
  promptTokens: number;
}

export function isScriptedError(r: ScriptedResponse): r is ScriptedError {
  return typeof r.status === "number";
}

/** A plausible token count: about four characters per token, at least one. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function splitText(text: string): string[] {
  return (text.match(/\S*\s*/g) ?? []).filter((piece) => piece !== "");
}

export function calls(reply: TextReply, id: string): { id: string; name: string; args: string }[] {
  return (reply.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${id.replace(/\W/g, "")}_${i}`,
    name: c.name,
    args: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments),
  }));
}

export function usageCounts(reply: TextReply, ctx: ReplyContext): [number, number] {
  const generated = (reply.text ?? "") + calls(reply, ctx.id).map((c) => c.name + c.args).join("");
  return [
    reply.usage?.promptTokens ?? ctx.promptTokens,
    reply.usage?.completionTokens ?? estimateTokens(generated),
  ];
}

function chatUsage(reply: TextReply, ctx: ReplyContext): OpenAI.CompletionUsage {
  const [prompt, completion] = usageCounts(reply, ctx);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

function finishReason(reply: TextReply): OpenAI.ChatCompletion.Choice["finish_reason"] {
  return reply.finishReason ?? (reply.toolCalls?.length ? "tool_calls" : "stop");
}

export function chatCompletion(reply: TextReply, ctx: ReplyContext): OpenAI.ChatCompletion {
  const toolCalls = calls(reply, ctx.id).map((c) => ({
    id: c.id,
    type: "function" as const,
    function: { name: c.name, arguments: c.args },
  }));
  const message: OpenAI.ChatCompletionMessage = {
    role: "assistant",
    content: reply.text ?? null,
    refusal: null,
    ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
  };
  return {
    id: ctx.id,
    object: "chat.completion",
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, message, finish_reason: finishReason(reply), logprobs: null }],
    usage: chatUsage(reply, ctx),
  };
}

/** SSE frames of a streamed chat completion, ending with `data: [DONE]`. */
export function chatStreamFrames(
  reply: TextReply,
  ctx: ReplyContext,
  withUsage: boolean,
): string[] {
  const base = { id: ctx.id, object: "chat.completion.chunk" as const, created: ctx.created };
  const chunk = (
    delta: OpenAI.ChatCompletionChunk.Choice.Delta,
    finish: OpenAI.ChatCompletionChunk.Choice["finish_reason"] = null,
  ): OpenAI.ChatCompletionChunk => ({
    ...base,
    model: ctx.model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    ...(withUsage ? { usage: null } : {}),
  });
  const chunks = [chunk({ role: "assistant", content: "" })];
  for (const piece of splitText(reply.text ?? "")) chunks.push(chunk({ content: piece }));
  calls(reply, ctx.id).forEach((c, index) => {
    const fn = { name: c.name, arguments: "" };
    chunks.push(chunk({ tool_calls: [{ index, id: c.id, type: "function", function: fn }] }));
    chunks.push(chunk({ tool_calls: [{ index, function: { arguments: c.args } }] }));
  });
  chunks.push(chunk({}, finishReason(reply)));
  if (withUsage) {
    chunks.push({ ...base, model: ctx.model, choices: [], usage: chatUsage(reply, ctx) });
  }
  return [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), "data: [DONE]\n\n"];
}

/** A deterministic unit vector derived from an FNV-1a hash of the text (float32 exact). */
export function hashVector(text: string, dimensions: number): number[] {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = h || 0x9e3779b9;
  const raw: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    h ^= h << 13;
    h ^= h >>> 17;
    h ^= h << 5;
    raw.push((h >>> 0) / 0xffffffff * 2 - 1);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((x) => Math.fround(x / norm));
}

function float32Base64(vector: number[]): string {
  const bytes = new Uint8Array(new Float32Array(vector).buffer);
  return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
}

/** Input strings of an embeddings/moderations request (token arrays are JSON-encoded). */
export function inputStrings(input: unknown): string[] {
  const list = Array.isArray(input) && typeof input[0] !== "number" ? input : [input ?? ""];
  return list.map((x: unknown) => typeof x === "string" ? x : JSON.stringify(x));
}

export function embeddingsBody(
  body: Record<string, unknown>,
  vectors: number[][],
  dimensions: number,
): Record<string, unknown> {
  const inputs = inputStrings(body.input);
  const base64 = body.encoding_format === "base64";
  const data = inputs.map((text, index) => {
    const vector = vectors[index] ?? hashVector(text, dimensions);
    return { object: "embedding", index, embedding: base64 ? float32Base64(vector) : vector };
  });
  const tokens = inputs.reduce((n, s) => n + estimateTokens(s), 0);
  return {
    object: "list",
    data,
    model: body.model ?? "text-embedding-3-small",
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

const MODERATION_CATEGORIES = [
  "harassment",
  "harassment/threatening",
  "hate",
  "hate/threatening",
  "illicit",
  "illicit/violent",
  "self-harm",
  "self-harm/instructions",
  "self-harm/intent",
  "sexual",
  "sexual/minors",
  "violence",
  "violence/graphic",
];

export function moderationBody(
  id: string,
  body: Record<string, unknown>,
  scripted?: ScriptedModeration,
): Record<string, unknown> {
  const on = (c: string) => scripted?.categories?.[c] ?? false;
  const result = {
    flagged: scripted?.flagged ?? false,
    categories: Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, on(c)])),
    category_scores: Object.fromEntries(
      MODERATION_CATEGORIES.map((c) => [c, on(c) ? 0.98 : 0.0001]),
    ),
    category_applied_input_types: Object.fromEntries(
      MODERATION_CATEGORIES.map((c) => [c, ["text"]]),
    ),
  };
  const count = Array.isArray(body.input) ? Math.max(1, body.input.length) : 1;
  return {
    id,
    model: body.model ?? "omni-moderation-latest",
    results: Array.from({ length: count }, () => structuredClone(result)),
  };
}
