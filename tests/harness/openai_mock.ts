// Local HTTP mock of the OpenAI API so tests run the real `openai` SDK with no network:
// `new OpenAI({ baseURL: mock.baseUrl, apiKey: "test" })`, then queue answers with script().
import {
  chatCompletion,
  chatStreamFrames,
  embeddingsBody,
  type EndpointKind,
  estimateTokens,
  isScriptedError,
  moderationBody,
  type ReplyContext,
  type ScriptedError,
  type ScriptedResponse,
  type TextReply,
} from "./openai_mock_payloads.ts";
import { responseObject, responseStreamFrames } from "./openai_mock_responses.ts";
import { faultFrames, sleep, sseResponse } from "./openai_mock_sse.ts";

export type {
  EndpointKind,
  ScriptedChat,
  ScriptedEmbeddings,
  ScriptedError,
  ScriptedModeration,
  ScriptedResponse,
  ScriptedResponses,
  TextReply,
  ToolCallSpec,
  UsageOverride,
} from "./openai_mock_payloads.ts";
export { hashVector } from "./openai_mock_payloads.ts";
export type { StreamFault } from "./openai_mock_sse.ts";

export interface RecordedRequest {
  method: string;
  /** URL path, e.g. "/v1/chat/completions". */
  path: string;
  /** Lower-cased header names; the authorization header is left out (see `authorized`). */
  headers: Record<string, string>;
  /** Whether a non-empty `Authorization: Bearer …` header was sent. */
  authorized: boolean;
  /** Parsed JSON object body, or null (no body, non-object or invalid JSON). */
  body: Record<string, unknown> | null;
}

export interface OpenAiMockOptions {
  /** Port on `hostname`; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on (default 127.0.0.1; the Docker stage serves containers on the host's). */
  hostname?: string;
  /** Default embedding size when the request has no `dimensions` (default 8). */
  embeddingDimensions?: number;
  /** Text of unscripted chat/responses answers (default "mock reply"). */
  defaultText?: string;
  /** Unscripted answers made from the request's last user message instead (e.g. an echo). */
  replyTo?: (lastUserMessage: string) => string;
  /** Pause between the frames of unscripted streamed answers (default none). */
  chunkDelayMs?: number;
}

export interface OpenAiMock extends AsyncDisposable {
  /** e.g. "http://127.0.0.1:PORT/v1" — pass as `baseURL` to the SDK. */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Chat/responses requests answered with the default text because their queue was empty. */
  readonly unscripted: number;
  /** Queue answers; each goes to the FIFO of its `kind`. */
  script(...responses: ScriptedResponse[]): void;
  /** Scripted answers still queued (for one kind, or all). */
  pending(kind?: EndpointKind): number;
  /** Clear queues, recorded requests and the unscripted counter. */
  reset(): void;
  close(): Promise<void>;
}

type Reply = Exclude<ScriptedResponse, ScriptedError>;

const ROUTES: Record<string, EndpointKind | "models"> = {
  "POST /v1/chat/completions": "chat",
  "POST /v1/responses": "responses",
  "POST /v1/embeddings": "embeddings",
  "POST /v1/moderations": "moderations",
  "GET /v1/models": "models",
};

const MODELS = ["gpt-4o-mini", "gpt-4.1-mini", "text-embedding-3-small", "omni-moderation-latest"]
  .map((id) => ({ id, object: "model", created: 1700000000, owned_by: "openai" }));

const ERROR_DEFAULTS: Record<number, [string, string]> = {
  400: ["invalid_request_error", "Invalid request"],
  401: ["invalid_request_error", "Incorrect API key provided"],
  404: ["invalid_request_error", "Not found"],
  429: ["requests", "Rate limit reached"],
  500: ["server_error", "The server had an error while processing your request"],
  503: ["server_error", "The engine is currently overloaded"],
};

function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function errorResponse(e: Omit<ScriptedError, "kind">): Response {
  const [type, message] = ERROR_DEFAULTS[e.status] ?? ["api_error", `Mock error ${e.status}`];
  const headers: Record<string, string> = {};
  if (e.retryAfter !== undefined) {
    headers["retry-after"] = String(Math.ceil(e.retryAfter));
    headers["retry-after-ms"] = String(Math.round(e.retryAfter * 1000));
  }
  const error = {
    message: e.message ?? message,
    type: e.type ?? type,
    param: null,
    code: e.code ?? null,
  };
  return jsonResponse({ error }, e.status, headers);
}

async function readBody(req: Request): Promise<Record<string, unknown> | null> {
  try {
    const parsed: unknown = JSON.parse(await req.text());
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? parsed as Record<string, unknown>
      : null;
  } catch {
    return null;
  }
}

function record(req: Request, path: string, body: RecordedRequest["body"]): RecordedRequest {
  const headers: Record<string, string> = {};
  req.headers.forEach((value, name) => {
    if (name !== "authorization") headers[name] = value;
  });
  const auth = req.headers.get("authorization") ?? "";
  return { method: req.method, path, headers, authorized: /^Bearer \S/.test(auth), body };
}

/** The content of the last user message of a chat `messages` or a Responses `input` list. */
function lastUserMessage(messages: unknown): string {
  if (typeof messages === "string") return messages;
  const list = Array.isArray(messages) ? messages as { role?: unknown; content?: unknown }[] : [];
  const last = list.findLast((m) => m.role === "user");
  return typeof last?.content === "string" ? last.content : "";
}

/** Start the mock (already listening when the promise resolves); close() it when done. */
export function startOpenAiMock(opts: OpenAiMockOptions = {}): Promise<OpenAiMock> {
  const queues: Record<EndpointKind, ScriptedResponse[]> = {
    chat: [],
    responses: [],
    embeddings: [],
    moderations: [],
  };
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();
  let unscripted = 0;
  let serial = 0;

  function textReply(scripted: Reply | undefined, messages: unknown): TextReply {
    if (scripted?.kind === "chat" || scripted?.kind === "responses") {
      return scripted.toolCalls?.length ? scripted : { ...scripted, text: scripted.text ?? "" };
    }
    unscripted++;
    if (opts.replyTo) return { text: opts.replyTo(lastUserMessage(messages)) };
    return { text: opts.defaultText ?? "mock reply" };
  }

  function answer(
    kind: EndpointKind,
    body: Record<string, unknown>,
    scripted: Reply | undefined,
  ): Response {
    const n = ++serial;
    const model = typeof body.model === "string" ? body.model : "gpt-4o-mini";
    const created = Math.floor(Date.now() / 1000);
    const chunkDelay = scripted?.chunkDelayMs ?? (scripted ? 0 : opts.chunkDelayMs ?? 0);
    if (kind === "chat" || kind === "responses") {
      const reply = textReply(scripted, kind === "chat" ? body.messages : body.input);
      const prompt = kind === "chat" ? body.messages : [body.instructions, body.input];
      const ctx: ReplyContext = {
        id: kind === "chat" ? `chatcmpl-mock${n}` : `resp_mock${n}`,
        model,
        created,
        promptTokens: estimateTokens(JSON.stringify(prompt ?? "")),
      };
      if (body.stream !== true) {
        return jsonResponse(
          kind === "chat" ? chatCompletion(reply, ctx) : responseObject(reply, ctx, body),
        );
      }
      const options = body.stream_options as { include_usage?: unknown } | undefined;
      let frames = kind === "chat"
        ? chatStreamFrames(reply, ctx, options?.include_usage === true)
        : responseStreamFrames(reply, ctx, body);
      const fault = reply.streamFault;
      if (fault) {
        const after = reply.streamFaultAfter ?? Math.floor(frames.length / 2);
        frames = [...frames.slice(0, after), ...faultFrames(fault)];
      }
      const end = fault === "cut" || fault === "hang" ? fault : "close";
      return sseResponse(frames, chunkDelay, closing.signal, end);
    }
    if (kind === "embeddings") {
      const dims = typeof body.dimensions === "number"
        ? body.dimensions
        : opts.embeddingDimensions ?? 8;
      const vectors = scripted?.kind === "embeddings" ? scripted.vectors : [];
      return jsonResponse(embeddingsBody(body, vectors, dims));
    }
    const moderation = scripted?.kind === "moderations" ? scripted : undefined;
    return jsonResponse(moderationBody(`modr-mock${n}`, body, moderation));
  }

  async function handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    const body = req.method === "GET" ? null : await readBody(req);
    requests.push(record(req, path, body));
    const route = ROUTES[`${req.method} ${path}`];
    if (route === undefined) {
      const message = `Invalid URL (${req.method} ${path})`;
      return errorResponse({ status: 404, message, code: "unknown_url" });
    }
    if (route === "models") {
      return jsonResponse({ object: "list", data: MODELS });
    }
    if (body === null) {
      return errorResponse({ status: 400, message: "Request body is not a JSON object" });
    }
    const queue = queues[route];
    const at = queue.findIndex((r) => r.model === undefined || r.model === body.model);
    const scripted = at < 0 ? undefined : queue.splice(at, 1)[0];
    if (scripted && "after" in scripted) await scripted.after;
    // req.signal is only touched while delaying: Deno also aborts it after normal responses.
    const delay = scripted?.delayMs ?? 0;
    if (delay > 0 && !(await sleep(delay, req.signal, closing.signal))) {
      return errorResponse({ status: 499, message: "Client closed request" });
    }
    if (scripted && isScriptedError(scripted)) return errorResponse(scripted);
    return answer(route, body, scripted);
  }

  const hostname = opts.hostname ?? "127.0.0.1";
  const server = Deno.serve({
    hostname,
    port: opts.port ?? 0,
    onListen: () => {},
  }, handle);
  let closed: Promise<void> | undefined;
  const close = () => {
    closing.abort();
    return closed ??= server.shutdown();
  };

  return Promise.resolve({
    baseUrl: `http://${hostname}:${server.addr.port}/v1`,
    requests,
    get unscripted() {
      return unscripted;
    },
    script(...responses) {
      for (const r of responses) queues[r.kind].push(r);
    },
    pending(kind) {
      return kind ? queues[kind].length : Object.values(queues).reduce((n, q) => n + q.length, 0);
    },
    reset() {
      for (const q of Object.values(queues)) q.length = 0;
      requests.length = 0;
      unscripted = 0;
    },
    close,
    [Symbol.asyncDispose]: close,
  });
}

/** Queue plain-text chat completion answers, one per text. */
export function scriptedText(mock: OpenAiMock, ...texts: string[]): void {
  mock.script(...texts.map((text) => ({ kind: "chat" as const, text })));
}
