// The OpenAI-backed Llm against the local OpenAI mock: both APIs, plain and streamed, the request
// it sends, and how timeouts, retries, HTTP errors and aborts come out.
import assert from "node:assert/strict";
import OpenAI from "openai";
import { type ChatMessage, type Llm, type LlmApi, LlmUnavailableError } from "../../src/llm/llm.ts";
import { createOpenAiLlm, type OpenAiLlmOptions } from "../../src/llm/openai.ts";
import { memoryLogger } from "../../src/log.ts";
import {
  type OpenAiMock,
  type ScriptedChat,
  type ScriptedResponses,
  startOpenAiMock,
  type TextReply,
} from "../harness/openai_mock.ts";

const messages: ChatMessage[] = [
  { role: "system", content: "Ты внимательный собеседник." },
  { role: "user", content: "Привет" },
  { role: "assistant", content: "Здравствуйте!" },
  { role: "user", content: "Мне тревожно" },
];

function llmFor(mock: OpenAiMock, over: Partial<OpenAiLlmOptions> = {}): Llm {
  const log = memoryLogger();
  return createOpenAiLlm({ baseUrl: mock.baseUrl, timeoutMs: 5_000, maxRetries: 0, log, ...over });
}

const ask = (api: LlmApi, extra: { signal?: AbortSignal; onDelta?: (d: string) => void } = {}) => ({
  api,
  model: "gpt-4o-mini",
  messages,
  ...extra,
});

// TypeScript does not spread a union `kind` over the scripted-answer union by itself.
function reply(kind: LlmApi, r: TextReply): ScriptedChat | ScriptedResponses {
  return kind === "chat" ? { kind, ...r } : { kind, ...r };
}

function isUnavailable(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof LlmUnavailableError, String(err));
    assert.match(err.message, /^OpenAI unavailable: /);
    assert.match(err.message, pattern);
    assert.ok(err.cause instanceof OpenAI.APIError);
    return true;
  };
}

for (const api of ["chat", "responses"] as const) {
  Deno.test(`${api}: plain answer, usage, request body, content-free log line`, async () => {
    await using mock = await startOpenAiMock();
    mock.script(reply(api, { text: "Я здесь.", usage: { promptTokens: 42, completionTokens: 7 } }));
    const log = memoryLogger();
    const llm = llmFor(mock, { apiKey: "sk-secret", log });
    const res = await llm.complete({ ...ask(api), maxOutputTokens: 200, temperature: 0.7 });
    assert.deepEqual(res, {
      text: "Я здесь.",
      model: "gpt-4o-mini",
      inputTokens: 42,
      outputTokens: 7,
      finishReason: "stop",
    });

    const req = mock.requests[0];
    assert.equal(mock.requests.length, 1);
    assert.equal(req?.path, api === "chat" ? "/v1/chat/completions" : "/v1/responses");
    assert.equal(req?.authorized, true);
    assert.equal(req?.body?.model, "gpt-4o-mini");
    assert.equal(req?.body?.temperature, 0.7);
    assert.equal(req?.body?.stream, undefined);
    if (api === "chat") {
      assert.deepEqual(req?.body?.messages, messages);
      assert.equal(req?.body?.max_completion_tokens, 200);
    } else {
      assert.deepEqual(req?.body?.input, messages);
      assert.equal(req?.body?.max_output_tokens, 200);
      assert.equal(req?.body?.store, false);
    }

    assert.equal(log.lines.length, 1);
    const line = log.lines[0] ?? "";
    assert.match(line, new RegExp(`^DEBUG llm call .*api=${api} .*inputTokens=42 outputTokens=7`));
    assert.ok(!line.includes("Привет") && !line.includes("Я здесь") && !line.includes("sk-"));
  });

  Deno.test(`${api}: streaming deltas concatenate to the final text, usage present`, async () => {
    await using mock = await startOpenAiMock();
    mock.script(reply(api, { text: "Давайте разберёмся вместе, шаг за шагом.", chunkDelayMs: 1 }));
    const deltas: string[] = [];
    const res = await llmFor(mock).complete({
      ...ask(api, { onDelta: (d) => deltas.push(d) }),
      maxOutputTokens: 50,
    });
    assert.ok(deltas.length > 1);
    assert.equal(deltas.join(""), "Давайте разберёмся вместе, шаг за шагом.");
    assert.equal(res.text, deltas.join(""));
    assert.ok(res.inputTokens > 0 && res.outputTokens > 0);
    assert.equal(res.finishReason, "stop");

    const body = mock.requests[0]?.body;
    assert.equal(body?.stream, true);
    assert.equal(body?.[api === "chat" ? "max_completion_tokens" : "max_output_tokens"], 50);
    if (api === "chat") assert.deepEqual(body?.stream_options, { include_usage: true });
    else assert.deepEqual(body?.input, messages);
  });
}

Deno.test("chat: finishReason 'length'; no API key sends a placeholder", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "chat", text: "Обрыв", finishReason: "length" });
  const res = await llmFor(mock, { apiKey: undefined }).complete(ask("chat"));
  assert.equal(res.finishReason, "length");
  assert.equal(mock.requests[0]?.authorized, true);
});

Deno.test("retry: a 500 then success with maxRetries 1", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "chat", status: 500 }, { kind: "chat", text: "Со второй попытки" });
  const res = await llmFor(mock, { maxRetries: 1 }).complete(ask("chat"));
  assert.equal(res.text, "Со второй попытки");
  assert.equal(mock.requests.length, 2);
});

Deno.test("retry: a 429 with retry-after 0 then success (responses)", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "responses", status: 429, retryAfter: 0 }, { kind: "responses", text: "Ok" });
  const res = await llmFor(mock, { maxRetries: 1 }).complete(ask("responses"));
  assert.equal(res.text, "Ok");
  assert.equal(mock.requests.length, 2);
});

Deno.test("retry: 503 twice with maxRetries 1 → LlmUnavailableError", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "chat", status: 503 }, { kind: "chat", status: 503 });
  const llm = llmFor(mock, { maxRetries: 1, apiKey: "sk-secret" });
  await assert.rejects(llm.complete(ask("chat")), (err: unknown) => {
    isUnavailable(/503/)(err);
    assert.ok(!(err as Error).message.includes("sk-secret"));
    return true;
  });
  assert.equal(mock.requests.length, 2);
});

Deno.test("timeout: a slow answer → LlmUnavailableError naming the timeout", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "responses", text: "Поздно", delayMs: 3_000 });
  const started = Date.now();
  const llm = llmFor(mock, { timeoutMs: 300 });
  await assert.rejects(llm.complete(ask("responses")), isUnavailable(/timed out after 300 ms/));
  assert.ok(Date.now() - started < 2_000);
});

Deno.test("errors: 401 propagates as the SDK's error, not LlmUnavailableError", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "chat", status: 401 });
  await assert.rejects(llmFor(mock, { maxRetries: 2 }).complete(ask("chat")), (err: unknown) => {
    assert.ok(!(err instanceof LlmUnavailableError));
    assert.ok(err instanceof OpenAI.AuthenticationError);
    return true;
  });
  assert.equal(mock.requests.length, 1);
});

Deno.test("abort: a signal during the request rejects with its reason", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "chat", text: "Никогда", delayMs: 5_000 });
  const ctrl = new AbortController();
  const pending = llmFor(mock, { maxRetries: 2 }).complete(ask("chat", { signal: ctrl.signal }));
  while (mock.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
  ctrl.abort();
  await assert.rejects(pending, (err: unknown) => {
    assert.ok(!(err instanceof LlmUnavailableError));
    assert.ok(err instanceof DOMException && err.name === "AbortError");
    return true;
  });
  assert.equal(mock.requests.length, 1);
});

for (const api of ["chat", "responses"] as const) {
  Deno.test(`abort: ${api} mid-stream rejects instead of returning a partial text`, async () => {
    await using mock = await startOpenAiMock();
    mock.script(reply(api, { text: "один два три четыре пять шесть", chunkDelayMs: 30 }));
    const ctrl = new AbortController();
    const deltas: string[] = [];
    const onDelta = (d: string) => {
      deltas.push(d);
      if (deltas.length === 2) ctrl.abort();
    };
    await assert.rejects(
      llmFor(mock).complete(ask(api, { signal: ctrl.signal, onDelta })),
      (err: unknown) => err instanceof DOMException && err.name === "AbortError",
    );
    assert.equal(deltas.length, 2);
  });
}

for (const api of ["chat", "responses"] as const) {
  for (const fault of ["error", "malformed", "cut", "truncated"] as const) {
    Deno.test(`stream fault: ${api}, ${fault} mid-stream → LlmUnavailableError, never a partial text`, async () => {
      await using mock = await startOpenAiMock();
      mock.script(reply(api, { text: "один два три четыре пять шесть", streamFault: fault }));
      const deltas: string[] = [];
      const log = memoryLogger();
      await assert.rejects(
        llmFor(mock, { log }).complete(ask(api, { onDelta: (d) => deltas.push(d) })),
        (err: unknown) => {
          assert.ok(err instanceof LlmUnavailableError, String(err));
          assert.match(err.message, /^OpenAI unavailable: /);
          return true;
        },
      );
      assert.ok(!log.lines.some((l) => l.startsWith("ERROR")), log.lines.join("\n"));
    });
  }
}
