// The Llm interface over the official OpenAI SDK (OpenAI or a compatible server): Chat Completions
// or Responses API, plain or streamed; failures worth waiting out — a stream cut or ended early,
// an error event in one, a malformed answer too — become LlmUnavailableError (openai_errors.ts).
import OpenAI from "openai";
import type { Logger } from "../log.ts";
import {
  type CompletionRequest,
  type CompletionResult,
  type EmbeddingRequest,
  type Llm,
  LlmUnavailableError,
} from "./llm.ts";
import { events, StreamBrokenError, translateError } from "./openai_errors.ts";

export interface OpenAiLlmOptions {
  /** Undefined for local compatible servers that need no key: a placeholder is sent. */
  apiKey?: string;
  /** Undefined means OpenAI itself (the SDK's OPENAI_BASE_URL env fallback is not used). */
  baseUrl?: string;
  /** Per attempt, until the response headers arrive. */
  timeoutMs: number;
  /** Retries after the first attempt (408/409/429/5xx, connection errors), with SDK backoff. */
  maxRetries: number;
  log: Logger;
}

type Call = (client: OpenAI, req: CompletionRequest) => Promise<CompletionResult>;

export function createOpenAiLlm(opts: OpenAiLlmOptions): Llm {
  const client = new OpenAI({
    apiKey: opts.apiKey ?? "unset",
    baseURL: opts.baseUrl ?? "https://api.openai.com/v1",
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries,
    logLevel: "warn",
    logger: sdkLogger(opts.log),
  });
  return {
    async complete(req) {
      const started = performance.now();
      const call: Call = req.api === "chat"
        ? (req.onDelta ? chatStream : chatPlain)
        : (req.onDelta ? responsesStream : responsesPlain);
      const base = { api: req.api, model: req.model, stream: req.onDelta !== undefined };
      try {
        const res = await call(client, req);
        const { inputTokens, outputTokens } = res;
        const ms = Math.round(performance.now() - started);
        opts.log.debug("llm call", { ...base, model: res.model, inputTokens, outputTokens, ms });
        return res;
      } catch (err) {
        const ms = Math.round(performance.now() - started);
        const failed = err instanceof OpenAI.APIError
          ? err.status ?? err.constructor.name
          : (err as Error)?.name;
        opts.log.debug("llm call failed", { ...base, ms, failed });
        throw translateError(err, req.signal, opts.timeoutMs);
      }
    },
    async moderate(req) {
      try {
        const res = await client.moderations.create(
          { model: req.model, input: req.text },
          { signal: req.signal, maxRetries: 0 },
        );
        const flagged = new Set<string>();
        for (const r of res.results) {
          for (const [k, v] of Object.entries(r.categories)) if (v === true) flagged.add(k);
        }
        return [...flagged];
      } catch (err) {
        throw translateError(err, req.signal, opts.timeoutMs);
      }
    },
    async embed(req: EmbeddingRequest) {
      if (req.input.length === 0) return [];
      try {
        const res = await client.embeddings.create(
          { model: req.model, input: req.input, encoding_format: "float" },
          { signal: req.signal },
        );
        const out = [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
        if (out.length !== req.input.length) {
          throw new LlmUnavailableError(
            `OpenAI returned ${out.length} embeddings for ${req.input.length} inputs`,
          );
        }
        return out;
      } catch (err) {
        throw translateError(err, req.signal, opts.timeoutMs);
      }
    },
  };
}

// The SDK logs warnings (and, at debug level, whole request bodies) to the console by default;
// keep only its message line, never the extra arguments that may carry payloads. What it reports
// is about the service and the connection, so even its errors are warnings here.
function sdkLogger(log: Logger) {
  const ignore = () => {};
  return {
    error: (msg: string) => log.warn(msg, { source: "openai" }),
    warn: (msg: string) => log.warn(msg, { source: "openai" }),
    info: ignore,
    debug: ignore,
  };
}

// max_completion_tokens, not the deprecated max_tokens: OpenAI's reasoning models reject
// max_tokens, and the usual compatible servers (vLLM, llama.cpp, LM Studio) accept both.
function chatParams(req: CompletionRequest) {
  return {
    model: req.model,
    messages: req.messages.map(({ role, content }) => ({ role, content })),
    ...(req.maxOutputTokens !== undefined ? { max_completion_tokens: req.maxOutputTokens } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.json
      ? {
        response_format: {
          type: "json_schema" as const,
          json_schema: { name: req.json.name, schema: req.json.schema, strict: true },
        },
      }
      : {}),
  };
}

const chatPlain: Call = async (client, req) => {
  const res = await client.chat.completions.create(chatParams(req), { signal: req.signal });
  const choice = res.choices[0];
  return {
    text: choice?.message.content ?? "",
    model: res.model || req.model,
    inputTokens: res.usage?.prompt_tokens ?? 0,
    outputTokens: res.usage?.completion_tokens ?? 0,
    finishReason: choice?.finish_reason ?? undefined,
  };
};

const chatStream: Call = async (client, req) => {
  const stream = await client.chat.completions.create(
    { ...chatParams(req), stream: true, stream_options: { include_usage: true } },
    { signal: req.signal },
  );
  const out: CompletionResult = { text: "", model: req.model, inputTokens: 0, outputTokens: 0 };
  for await (const chunk of events(stream, req.signal)) {
    if (chunk.model) out.model = chunk.model;
    const choice = chunk.choices[0];
    const delta = choice?.delta?.content;
    if (delta) {
      out.text += delta;
      req.onDelta?.(delta);
    }
    if (choice?.finish_reason) out.finishReason = choice.finish_reason;
    if (chunk.usage) {
      out.inputTokens = chunk.usage.prompt_tokens;
      out.outputTokens = chunk.usage.completion_tokens;
    }
  }
  // The SDK ends an aborted stream quietly; a partial text must not look like a full answer.
  req.signal?.throwIfAborted();
  // Nor must a stream that stopped before the model finished (every answer ends with a reason).
  if (!out.finishReason) {
    throw new StreamBrokenError("OpenAI unavailable: the stream ended before the answer did");
  }
  return out;
};

// All messages go to `input` with their roles (not system → `instructions`), so order and
// assistant turns survive as they are. store: false — these are personal conversations.
function responsesParams(req: CompletionRequest) {
  return {
    model: req.model,
    input: req.messages.map(({ role, content }) => ({ role, content })),
    store: false,
    ...(req.maxOutputTokens !== undefined ? { max_output_tokens: req.maxOutputTokens } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.json
      ? {
        text: {
          format: {
            type: "json_schema" as const,
            name: req.json.name,
            schema: req.json.schema,
            strict: true,
          },
        },
      }
      : {}),
  };
}

/** Usage and a chat-style finish reason ("stop", "length", ...) of a finished response. */
function responseResult(res: OpenAI.Responses.Response, text: string, req: CompletionRequest) {
  if (res.status === "failed") {
    const message = `OpenAI unavailable: response failed: ${res.error?.code} ${res.error?.message}`;
    throw new LlmUnavailableError(message);
  }
  const reason = res.incomplete_details?.reason;
  const finishReason = res.status === "incomplete"
    ? (reason === "max_output_tokens" ? "length" : reason ?? "incomplete")
    : res.status === "completed"
    ? "stop"
    : res.status;
  return {
    text,
    model: res.model || req.model,
    inputTokens: res.usage?.input_tokens ?? 0,
    outputTokens: res.usage?.output_tokens ?? 0,
    finishReason,
  };
}

const responsesPlain: Call = async (client, req) => {
  const res = await client.responses.create(responsesParams(req), { signal: req.signal });
  return responseResult(res, res.output_text, req);
};

const responsesStream: Call = async (client, req) => {
  const stream = await client.responses.create(
    { ...responsesParams(req), stream: true },
    { signal: req.signal },
  );
  let text = "";
  let final: OpenAI.Responses.Response | undefined;
  for await (const event of events(stream, req.signal)) {
    if (event.type === "response.output_text.delta") {
      text += event.delta;
      req.onDelta?.(event.delta);
    } else if (
      event.type === "response.completed" || event.type === "response.incomplete" ||
      event.type === "response.failed"
    ) {
      final = event.response;
    }
  }
  req.signal?.throwIfAborted();
  if (!final) throw new LlmUnavailableError("OpenAI unavailable: stream ended before the response");
  return responseResult(final, text, req);
};

/** A cheap call that proves the API answers with these credentials: the list of models. */
export async function pingOpenAi(
  opts: { apiKey?: string; baseUrl?: string; timeoutMs: number },
): Promise<number> {
  const client = new OpenAI({
    apiKey: opts.apiKey ?? "unset",
    baseURL: opts.baseUrl ?? "https://api.openai.com/v1",
    timeout: opts.timeoutMs,
    maxRetries: 0,
    logLevel: "off",
  });
  let n = 0;
  for await (const _ of client.models.list()) if (++n >= 1) break;
  return n;
}
