// A lean OpenAI mock for bench:bot (bench/fake_api_process.ts) with fixed timing: a chat answer's
// first token comes `firstTokenMs` after the request, then one word every `chunkMs`; moderation
// answers "not flagged" after `moderationMs`. The wire format is the test harness's
// (tests/harness/openai_mock_payloads.ts), so the real `openai` SDK reads it as it reads OpenAI.
// A message whose text carries a marker (`⟦chat:n⟧`, see `marker`) is answered with a text that
// carries it too, and the moment its first token was sent is recorded under it; the number of
// model calls in flight (request in, stream ended) is counted, and its peak.

import {
  chatCompletion,
  chatStreamFrames,
  moderationBody,
  type ReplyContext,
} from "../tests/harness/openai_mock_payloads.ts";
import { responseObject, responseStreamFrames } from "../tests/harness/openai_mock_responses.ts";

export interface ModelTiming {
  firstTokenMs: number;
  chunkMs: number;
  moderationMs: number;
}

export interface FakeModel {
  /** Value for OPENAI_BASE_URL. */
  readonly baseUrl: string;
  timing: ModelTiming;
  /** When the model was called for the message with this marker. */
  readonly called: Map<string, number>;
  /** When the first token of the answer to the message with this marker was sent. */
  readonly firstToken: Map<string, number>;
  readonly inFlight: number;
  /** The most model calls in flight at once since the last `resetPeak`. */
  readonly peak: number;
  resetPeak(): void;
  /** Chat and Responses calls, and moderation calls, since the start. */
  readonly counts: { chat: number; moderation: number };
  close(): Promise<void>;
}

const MARKER = /⟦(\d+):(\d+)⟧/;

/** The marker a benchmark message carries: which chat, which of its messages. */
export function marker(chat: number, n: number): string {
  return `⟦${chat}:${n}⟧`;
}

/** The last word of every answer: a text that has it is the complete answer. */
export const ANSWER_END = "Обнимаю.";

/** The answer to a message with `mark`: the marker in its first word, a few words after. */
export function answerText(mark: string): string {
  return `Слышу${mark} вас. Это важно, давайте разберёмся вместе. ${ANSWER_END}`;
}

function lastUserText(messages: unknown): string {
  if (typeof messages === "string") return messages;
  if (!Array.isArray(messages)) return "";
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown };
    if (m?.role !== "user") continue;
    if (typeof m.content === "string") return m.content;
    if (Array.isArray(m.content)) {
      return m.content.map((p) => (p as { text?: unknown })?.text ?? "").join("");
    }
  }
  return "";
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

export function startFakeModel(timing: ModelTiming): FakeModel {
  const called = new Map<string, number>();
  const firstToken = new Map<string, number>();
  const counts = { chat: 0, moderation: 0 };
  let inFlight = 0;
  let peak = 0;
  let serial = 0;
  const closing = new AbortController();
  const encoder = new TextEncoder();

  /** Streams `frames`: the first (with the first word) after firstTokenMs, then one per chunkMs. */
  const stream = (
    frames: string[],
    firstWord: number,
    mark: string | undefined,
    t: ModelTiming,
  ) => {
    let next = 0;
    let ended = false;
    const end = () => {
      if (!ended) (ended = true, inFlight--);
    };
    const cancelled = new AbortController();
    const signal = AbortSignal.any([cancelled.signal, closing.signal]);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (next === 0) {
          await sleep(t.firstTokenMs, signal);
          // Everything up to the first word goes out together: that is the first token.
          const first = frames.slice(0, firstWord + 1).join("");
          next = firstWord + 1;
          if (mark && !firstToken.has(mark)) firstToken.set(mark, performance.now());
          return controller.enqueue(encoder.encode(first));
        }
        if (next >= frames.length || signal.aborted) {
          end();
          return controller.close();
        }
        await sleep(t.chunkMs, signal);
        controller.enqueue(encoder.encode(frames[next++]!));
      },
      cancel() {
        cancelled.abort();
        end();
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  };

  const answer = async (
    kind: "chat" | "responses",
    body: Record<string, unknown>,
  ) => {
    counts.chat++;
    inFlight++;
    peak = Math.max(peak, inFlight);
    const t = { ...model.timing };
    const prompt = kind === "chat" ? body.messages : body.input;
    const mark = MARKER.exec(lastUserText(prompt))?.[0];
    if (mark && !called.has(mark)) called.set(mark, performance.now());
    const reply = { text: mark ? answerText(mark) : `Готово. ${ANSWER_END}` };
    const ctx: ReplyContext = {
      id: `${kind === "chat" ? "chatcmpl" : "resp"}-bench${++serial}`,
      model: typeof body.model === "string" ? body.model : "gpt-4o-mini",
      created: Math.floor(Date.now() / 1000),
      promptTokens: 500,
    };
    if (body.stream !== true) {
      await sleep(t.firstTokenMs, closing.signal);
      inFlight--;
      return Response.json(
        kind === "chat" ? chatCompletion(reply, ctx) : responseObject(reply, ctx, body),
      );
    }
    const withUsage = (body.stream_options as { include_usage?: unknown } | undefined)
      ?.include_usage === true;
    const frames = kind === "chat"
      ? chatStreamFrames(reply, ctx, withUsage)
      : responseStreamFrames(reply, ctx, body);
    // The first frame that carries a word of the answer.
    const firstWord = Math.max(
      0,
      frames.findIndex((f) => f.includes("Слышу") || f.includes("Готово")),
    );
    return stream(frames, firstWord, mark, t);
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (req.method === "GET" && path === "/v1/models") return Response.json({ data: [] });
    const body = JSON.parse(await req.text()) as Record<string, unknown>;
    switch (path) {
      case "/v1/chat/completions":
        return await answer("chat", body);
      case "/v1/responses":
        return await answer("responses", body);
      case "/v1/moderations":
        counts.moderation++;
        await sleep(model.timing.moderationMs, closing.signal);
        return Response.json(moderationBody(`modr-bench${++serial}`, body));
      default:
        return Response.json({ error: { message: `no ${path} here` } }, { status: 404 });
    }
  });

  const model: FakeModel = {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    timing,
    called,
    firstToken,
    get inFlight() {
      return inFlight;
    },
    get peak() {
      return peak;
    },
    resetPeak: () => void (peak = inFlight),
    counts,
    close() {
      closing.abort();
      return server.shutdown();
    },
  };
  return model;
}
