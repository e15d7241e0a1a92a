// Tests for the OpenAI HTTP mock, driven through the real `openai` SDK.
import assert from "node:assert/strict";
import OpenAI from "openai";
import { type OpenAiMock, scriptedText, startOpenAiMock } from "./openai_mock.ts";

function clientFor(mock: OpenAiMock, maxRetries = 0): OpenAI {
  return new OpenAI({ baseURL: mock.baseUrl, apiKey: "sk-test", maxRetries });
}

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Hello there" }];

Deno.test("chat: plain completion with scripted text and recorded request", async () => {
  await using mock = await startOpenAiMock();
  scriptedText(mock, "Hi! How can I help?");
  const res = await clientFor(mock).chat.completions.create({ model: "gpt-4o-mini", messages });
  assert.equal(res.choices[0]?.message.content, "Hi! How can I help?");
  assert.equal(res.choices[0]?.finish_reason, "stop");
  assert.equal(res.model, "gpt-4o-mini");
  assert.ok(res.usage && res.usage.prompt_tokens > 0 && res.usage.completion_tokens > 0);
  assert.equal(res.usage.total_tokens, res.usage.prompt_tokens + res.usage.completion_tokens);

  assert.equal(mock.requests.length, 1);
  const req = mock.requests[0];
  assert.equal(req?.method, "POST");
  assert.equal(req?.path, "/v1/chat/completions");
  assert.equal(req?.authorized, true);
  assert.equal(req?.headers["authorization"], undefined);
  assert.equal(req?.headers["content-type"], "application/json");
  assert.equal(req?.body?.model, "gpt-4o-mini");
  assert.deepEqual(req?.body?.messages, messages);
  assert.equal(mock.unscripted, 0);
});

Deno.test("chat: a response scripted for a model goes to a request for that model", async () => {
  await using mock = await startOpenAiMock();
  mock.script(
    { kind: "chat", model: "gpt-4.1-nano", text: "for the judge" },
    { kind: "chat", text: "for anyone" },
    { kind: "chat", model: "gpt-4o-mini", status: 500 },
  );
  const client = clientFor(mock);
  const ask = (model: string) => client.chat.completions.create({ model, messages });
  // The answer's request comes first, yet leaves the judge's response queued for the judge.
  assert.equal((await ask("gpt-4o-mini")).choices[0]?.message.content, "for anyone");
  await assert.rejects(ask("gpt-4o-mini"), (e) => e instanceof OpenAI.APIError && e.status === 500);
  assert.equal((await ask("gpt-4.1-nano")).choices[0]?.message.content, "for the judge");
  assert.equal(mock.pending(), 0);
  assert.equal(mock.unscripted, 0);
});

Deno.test("chat: usage numbers can be overridden", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "chat", text: "ok", usage: { promptTokens: 100, completionTokens: 7 } });
  const res = await clientFor(mock).chat.completions.create({ model: "gpt-4o-mini", messages });
  assert.deepEqual(res.usage, { prompt_tokens: 100, completion_tokens: 7, total_tokens: 107 });
});

Deno.test("chat: streaming yields deltas and a final usage chunk", async () => {
  await using mock = await startOpenAiMock();
  scriptedText(mock, "The quick brown fox");
  const stream = await clientFor(mock).chat.completions.create({
    model: "gpt-4o-mini",
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  const deltas: string[] = [];
  let usage: OpenAI.CompletionUsage | null | undefined;
  let finish: string | null | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (choice?.delta.content) deltas.push(choice.delta.content);
    if (choice?.finish_reason) finish = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(deltas.length > 1);
  assert.equal(deltas.join(""), "The quick brown fox");
  assert.equal(finish, "stop");
  assert.ok(usage && usage.completion_tokens > 0);
  assert.equal(mock.requests[0]?.body?.stream, true);
});

Deno.test("chat: streaming helper accumulates the final message (chunk delays)", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "chat", text: "slow but steady", chunkDelayMs: 5 });
  const stream = clientFor(mock).chat.completions.stream({ model: "gpt-4o-mini", messages });
  const final = await stream.finalChatCompletion();
  assert.equal(final.choices[0]?.message.content, "slow but steady");
});

Deno.test("chat: tool calls, plain and streamed", async () => {
  await using mock = await startOpenAiMock();
  const call = { name: "get_weather", arguments: { city: "Paris" } };
  mock.script({ kind: "chat", toolCalls: [call] }, { kind: "chat", toolCalls: [call] });
  const client = clientFor(mock);
  const tools: OpenAI.ChatCompletionTool[] = [{
    type: "function",
    function: { name: "get_weather", parameters: { type: "object", properties: {} } },
  }];

  const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools });
  const choice = res.choices[0];
  assert.equal(choice?.finish_reason, "tool_calls");
  assert.equal(choice?.message.content, null);
  const tc = choice?.message.tool_calls?.[0];
  assert.ok(tc?.type === "function");
  assert.equal(tc.function.name, "get_weather");
  assert.deepEqual(JSON.parse(tc.function.arguments), { city: "Paris" });
  assert.ok(tc.id.length > 0);

  const stream = client.chat.completions.stream({ model: "gpt-4o-mini", messages, tools });
  const final = await stream.finalChatCompletion();
  const streamed = final.choices[0]?.message.tool_calls?.[0];
  assert.ok(streamed?.type === "function");
  assert.equal(streamed.function.name, "get_weather");
  assert.equal(streamed.function.arguments, '{"city":"Paris"}');
  assert.equal(final.choices[0]?.finish_reason, "tool_calls");
  assert.deepEqual(mock.requests[0]?.body?.tools, tools);
});

Deno.test("errors: scripted 429 surfaces as APIError, retry then succeeds", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "chat", status: 429, message: "slow down", retryAfter: 0 });
  await assert.rejects(
    clientFor(mock, 0).chat.completions.create({ model: "gpt-4o-mini", messages }),
    (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 429);
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.match(err.message, /slow down/);
      assert.equal(err.headers?.get("retry-after"), "0");
      return true;
    },
  );

  mock.reset();
  mock.script({ kind: "chat", status: 429, retryAfter: 0 }, { kind: "chat", text: "second try" });
  const res = await clientFor(mock, 1).chat.completions.create({ model: "gpt-4o-mini", messages });
  assert.equal(res.choices[0]?.message.content, "second try");
  assert.equal(mock.requests.length, 2);
  assert.equal(mock.pending(), 0);
});

Deno.test("errors: 500 on embeddings, 404 with OpenAI-style body on unknown paths", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "embeddings", status: 500 });
  await assert.rejects(
    clientFor(mock).embeddings.create({ model: "text-embedding-3-small", input: "x" }),
    (err: unknown) => err instanceof OpenAI.InternalServerError && err.status === 500,
  );
  const res = await fetch(`${mock.baseUrl}/nope`, { method: "POST", body: "{}" });
  assert.equal(res.status, 404);
  const body = await res.json();
  assert.equal(body.error.code, "unknown_url");
  assert.equal(typeof body.error.message, "string");
});

Deno.test("delay: a slow scripted answer honours client aborts", async () => {
  await using mock = await startOpenAiMock();
  mock.script({ kind: "chat", text: "too late", delayMs: 10_000 });
  const started = Date.now();
  await assert.rejects(
    clientFor(mock).chat.completions.create({ model: "gpt-4o-mini", messages }, {
      signal: AbortSignal.timeout(50),
    }),
    (err: unknown) => err instanceof OpenAI.APIUserAbortError,
  );
  assert.ok(Date.now() - started < 5_000);
});

Deno.test("delay: close() cuts pending delayed answers short", async () => {
  const mock = await startOpenAiMock();
  mock.script({ kind: "responses", text: "never", delayMs: 10_000 });
  const pending = clientFor(mock).responses.create({ model: "gpt-4o-mini", input: "hi" });
  const outcome = pending.then(() => "resolved", (err: unknown) => err);
  while (mock.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
  const started = Date.now();
  await mock.close();
  const err = await outcome;
  assert.ok(err instanceof OpenAI.APIError);
  assert.equal(err.status, 499);
  assert.ok(Date.now() - started < 5_000);
});

Deno.test("responses: plain output_text and streamed events", async () => {
  await using mock = await startOpenAiMock();
  mock.script(
    { kind: "responses", text: "Plain answer" },
    { kind: "responses", text: "Streamed answer here" },
    { kind: "responses", text: "Helper stream" },
  );
  const client = clientFor(mock);
  const resp = await client.responses.create({ model: "gpt-4o-mini", input: "hi" });
  assert.equal(resp.output_text, "Plain answer");
  assert.equal(resp.status, "completed");
  assert.ok(resp.usage && resp.usage.input_tokens > 0);

  const stream = await client.responses.create({ model: "gpt-4o-mini", input: "hi", stream: true });
  const types: string[] = [];
  const deltas: string[] = [];
  let completed: string | undefined;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === "response.output_text.delta") deltas.push(event.delta);
    if (event.type === "response.completed") completed = event.response.status;
  }
  assert.equal(types[0], "response.created");
  assert.equal(types.at(-1), "response.completed");
  assert.ok(types.includes("response.output_text.done"));
  assert.equal(deltas.join(""), "Streamed answer here");
  assert.equal(completed, "completed");

  const helper = client.responses.stream({ model: "gpt-4o-mini", input: "hi" });
  const helperDeltas: string[] = [];
  helper.on("response.output_text.delta", (e) => helperDeltas.push(e.delta));
  const final = await helper.finalResponse();
  assert.equal(final.output_text, "Helper stream");
  assert.equal(helperDeltas.join(""), "Helper stream");
});

Deno.test("responses: function calls, plain and streamed", async () => {
  await using mock = await startOpenAiMock();
  const call = { name: "lookup", arguments: '{"q":"x"}' };
  mock.script({ kind: "responses", toolCalls: [call] }, { kind: "responses", toolCalls: [call] });
  const client = clientFor(mock);
  const resp = await client.responses.create({ model: "gpt-4o-mini", input: "hi" });
  const item = resp.output[0];
  assert.ok(item?.type === "function_call");
  assert.equal(item.name, "lookup");
  assert.equal(item.arguments, '{"q":"x"}');
  const final = await client.responses.stream({ model: "gpt-4o-mini", input: "hi" })
    .finalResponse();
  const streamed = final.output[0];
  assert.ok(streamed?.type === "function_call");
  assert.equal(streamed.arguments, '{"q":"x"}');
});

Deno.test("embeddings: deterministic hash vectors, base64 and float, scripted", async () => {
  await using mock = await startOpenAiMock();
  const client = clientFor(mock);
  const model = "text-embedding-3-small";
  const a = await client.embeddings.create({ model, input: ["alpha", "beta", "alpha"] });
  assert.equal(a.data.length, 3);
  const [v0, v1, v2] = a.data.map((d) => d.embedding);
  assert.equal(v0?.length, 8);
  assert.deepEqual(v0, v2);
  assert.notDeepEqual(v0, v1);
  const floats = await client.embeddings.create({
    model,
    input: "alpha",
    encoding_format: "float",
  });
  assert.deepEqual(floats.data[0]?.embedding, v0);
  const wide = await client.embeddings.create({ model, input: "alpha", dimensions: 16 });
  assert.equal(wide.data[0]?.embedding.length, 16);
  assert.ok(a.usage.prompt_tokens > 0);

  mock.script({ kind: "embeddings", vectors: [[1, 0, 0]] });
  const scripted = await client.embeddings.create({ model, input: "anything" });
  assert.deepEqual(scripted.data[0]?.embedding, [1, 0, 0]);
});

Deno.test("moderations: unflagged by default, scripted flagged", async () => {
  await using mock = await startOpenAiMock();
  const client = clientFor(mock);
  const clean = await client.moderations.create({ model: "omni-moderation-latest", input: "hi" });
  assert.equal(clean.results.length, 1);
  assert.equal(clean.results[0]?.flagged, false);
  assert.equal(clean.results[0]?.categories["self-harm"], false);

  mock.script({ kind: "moderations", flagged: true, categories: { "self-harm": true } });
  const bad = await client.moderations.create({ model: "omni-moderation-latest", input: "x" });
  assert.equal(bad.results[0]?.flagged, true);
  assert.equal(bad.results[0]?.categories["self-harm"], true);
  assert.equal(bad.results[0]?.categories.violence, false);
  assert.ok((bad.results[0]?.category_scores["self-harm"] ?? 0) > 0.5);
});

Deno.test("models: small list", async () => {
  await using mock = await startOpenAiMock();
  const ids: string[] = [];
  for await (const m of clientFor(mock).models.list()) ids.push(m.id);
  assert.ok(ids.includes("gpt-4o-mini"));
  assert.equal(mock.requests[0]?.method, "GET");
  assert.equal(mock.requests[0]?.body, null);
});

Deno.test("fallback: empty queues answer 'mock reply' and count unscripted", async () => {
  const mock = await startOpenAiMock();
  try {
    const client = clientFor(mock);
    const chat = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    assert.equal(chat.choices[0]?.message.content, "mock reply");
    const resp = await client.responses.create({ model: "gpt-4o-mini", input: "hi" });
    assert.equal(resp.output_text, "mock reply");
    assert.equal(mock.unscripted, 2);
    mock.reset();
    assert.equal(mock.unscripted, 0);
    assert.equal(mock.requests.length, 0);
  } finally {
    await mock.close();
  }
});
