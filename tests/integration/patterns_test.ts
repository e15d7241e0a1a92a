// Pattern analysis beyond the scenarios: concurrent runs lose nothing, a failed embeddings call
// falls back to merging by words, a failed analysis is tried again after the next answer, the
// deep analysis revises insights and retires stale patterns, quizzes feed the profile, and the
// log lines carry counts and a pseudonymous id but no message text.

import assert from "node:assert/strict";
import { freshDb, type TestDb } from "../harness/db.ts";
import { onboard, startTestBot } from "../harness/bot.ts";
import { ALICE, Updates } from "../harness/telegram.ts";
import { type OpenAiMock, startOpenAiMock } from "../harness/openai_mock.ts";
import { createOpenAiLlm } from "../../src/llm/openai.ts";
import { memoryLogger } from "../../src/log.ts";
import { createAnalyzer, DEEP_EVERY } from "../../src/patterns/analysis.ts";
import { pseudonymiser } from "../../src/log_ids.ts";
import type { Candidate, Pattern } from "../../src/patterns/profile.ts";
import { loadProfile, updateProfile } from "../../src/patterns/store.ts";
import { saveReply, saveUserMessage } from "../../src/chat/history.ts";

const USER = 4242;
const NOW = new Date("2026-11-24T09:00:00Z");

function candidate(title: string, over: Partial<Candidate> = {}): Candidate {
  return {
    type: "emotional",
    title,
    description: `${title}: описание`,
    evidence: [],
    confidence: 0.6,
    tags: [],
    source: "quiz",
    ...over,
  };
}

async function setup(db: TestDb, openai: OpenAiMock) {
  await db.query("INSERT INTO users (id, first_name) VALUES ($1, 'Алиса')", [USER]);
  const log = memoryLogger();
  const analysis = createAnalyzer({
    db,
    llm: createOpenAiLlm({
      baseUrl: openai.baseUrl,
      apiKey: "k",
      timeoutMs: 5000,
      maxRetries: 0,
      log,
    }),
    log,
    enabledFor: () => true,
    api: () => "chat",
    model: "gpt-4o",
    embeddingModel: "text-embedding-3-small",
    now: () => NOW,
    pseudonym: pseudonymiser("test"),
  });
  return { analysis, log };
}

async function patterns(db: TestDb): Promise<Pattern[]> {
  return (await loadProfile(db, USER)).patterns;
}

Deno.test("two analyses for one user at once lose nothing", async () => {
  await using db = await freshDb();
  await using openai = await startOpenAiMock();
  // Both runs are inside their embeddings call at the same time, then write.
  openai.script(
    { kind: "embeddings", vectors: [[1, 0, 0]], delayMs: 200 },
    { kind: "embeddings", vectors: [[0, 1, 0]], delayMs: 200 },
  );
  const { analysis } = await setup(db, openai);
  await Promise.all([
    analysis.absorb(USER, [candidate("Страх осуждения")]),
    analysis.absorb(USER, [candidate("Импульсивные траты")]),
  ]);
  assert.deepEqual((await patterns(db)).map((p) => p.title).sort(), [
    "Импульсивные траты",
    "Страх осуждения",
  ]);
  const [row] = await db.query<{ embeddings: Record<string, number[]> }>(
    "SELECT embeddings FROM user_profiles WHERE user_id = $1",
    [USER],
  );
  assert.equal(Object.keys(row!.embeddings).length, 2);
});

Deno.test("concurrent merges of the same idea count every occurrence", async () => {
  await using db = await freshDb();
  await using openai = await startOpenAiMock();
  const { analysis } = await setup(db, openai);
  await analysis.absorb(USER, [candidate("Страх осуждения")]);
  // Five direct writers at once on the locked row: each sees the previous one's result.
  await Promise.all(Array.from({ length: 5 }, (_, i) =>
    updateProfile(db, USER, NOW, (p) => {
      p.patterns = p.patterns.map((x) => ({
        ...x,
        occurrences: x.occurrences + 1,
        evidence: [...x.evidence, `цитата ${i}`],
      }));
    })));
  const [p] = await patterns(db);
  assert.equal(p!.occurrences, 6);
  assert.equal(p!.evidence.length, 5);
});

Deno.test("embeddings failing: the pattern is kept and a near-duplicate merges by its words", async () => {
  await using db = await freshDb();
  await using openai = await startOpenAiMock();
  openai.script({ kind: "embeddings", status: 500 }, { kind: "embeddings", status: 500 });
  const { analysis, log } = await setup(db, openai);
  const first = await analysis.absorb(USER, [
    candidate("Страх осуждения", {
      description: "Боится, что окружающие осудят его решения, и поэтому откладывает их.",
    }),
  ]);
  assert.equal(first.embeddings, "failed");
  const second = await analysis.absorb(USER, [
    candidate("Боязнь осуждения окружающих", {
      description: "Избегает решений из-за страха, что другие его осудят.",
    }),
  ]);
  assert.equal(second.merged, 1);
  const all = await patterns(db);
  assert.equal(all.length, 1);
  assert.equal(all[0]!.occurrences, 2);
  assert.ok(log.lines.some((l) => l.startsWith("WARN Embeddings unavailable")));
});

Deno.test("a stored pattern without an embedding gets one at the next merge", async () => {
  await using db = await freshDb();
  await using openai = await startOpenAiMock();
  openai.script(
    { kind: "embeddings", status: 500 },
    { kind: "embeddings", vectors: [[0, 1], [1, 0]] },
  );
  const { analysis } = await setup(db, openai);
  await analysis.absorb(USER, [candidate("Страх осуждения")]);
  await analysis.absorb(USER, [candidate("Импульсивные траты")]);
  const body = openai.requests.at(-1)!.body as { input: string[] };
  assert.equal(body.input.length, 2, "the new candidate and the stored pattern");
  const [row] = await db.query<{ embeddings: Record<string, number[]> }>(
    "SELECT embeddings FROM user_profiles WHERE user_id = $1",
    [USER],
  );
  assert.equal(Object.keys(row!.embeddings).length, 2);
});

Deno.test("deep analysis replaces insights, retires stale patterns, merges new ones", async () => {
  await using db = await freshDb();
  await using openai = await startOpenAiMock();
  const { analysis, log } = await setup(db, openai);
  await analysis.absorb(USER, [candidate("Страх осуждения"), candidate("Импульсивные траты")]);
  const id = await saveUserMessage(db, USER, "helper", "Я снова молчу, когда меня критикуют", NOW);
  await saveReply(db, {
    userMessageId: id,
    userId: USER,
    assistant: "helper",
    content: "Что вы чувствуете?",
    model: "m",
    inputTokens: 1,
    outputTokens: 1,
    totalMs: 1,
    now: NOW,
  });
  openai.script({
    kind: "chat",
    text: JSON.stringify({
      patterns: [{
        type: "behavioral",
        title: "Молчание в ответ на критику",
        description: "Молчит, когда критикуют.",
        evidence: ["молчу, когда меня критикуют"],
        confidence: 0.7,
        tags: ["критика"],
      }],
      insights: [{
        title: "Страх и молчание связаны",
        text: "Страх осуждения заставляет молчать.",
        recommendation: "Попробуйте раз в день сказать о своём несогласии.",
      }],
      retire: ["Импульсивные траты"],
      state: { mood: "спокойное", stress: "low", energy: "medium" },
    }),
  });
  const r = await analysis.deep(USER);
  assert.deepEqual([r.added, r.retired, r.quotesDropped], [1, 1, 0]);
  const profile = await loadProfile(db, USER);
  assert.deepEqual(
    profile.patterns.map((p) => [p.title, p.status]),
    [
      ["Страх осуждения", "active"],
      ["Импульсивные траты", "retired"],
      ["Молчание в ответ на критику", "active"],
    ],
  );
  assert.equal(profile.insights.length, 1);
  assert.equal(profile.insights[0]!.title, "Страх и молчание связаны");
  assert.equal(profile.emotional_state?.stress, "low");
  const request = openai.requests.find((x) => x.path === "/v1/chat/completions")!.body!;
  assert.equal(request.model, "gpt-4o");
  assert.equal((request.response_format as { type: string }).type, "json_schema");
  const line = log.lines.find((l) => l.startsWith("DEEP ANALYSIS"))!;
  assert.match(line, /user=u[0-9a-f]{10} .*added=1 .*retired=1/);
  assert.ok(!line.includes(String(USER)) && !line.includes("критику"));
});

Deno.test("every DEEP_EVERY-th answered message starts a deep analysis", async () => {
  await using db = await freshDb();
  await using openai = await startOpenAiMock();
  const { analysis, log } = await setup(db, openai);
  let last = 0;
  for (let i = 0; i < DEEP_EVERY; i++) {
    last = await saveUserMessage(db, USER, i % 2 ? "helper" : "soulsleep", `сообщение ${i}`, NOW);
    await db.query("UPDATE conversation_history SET status = 'answered' WHERE id = $1", [last]);
  }
  openai.script({
    kind: "chat",
    text: JSON.stringify({
      patterns: [],
      insights: [],
      retire: [],
      state: { mood: "ровное", stress: "medium", energy: "medium" },
    }),
  });
  // 20 answered in total: deep; 10 for soulsleep (the last one), not a multiple of 3: no quick.
  analysis.afterAnswer(USER, "soulsleep", last);
  await analysis.idle();
  const names = openai.requests.map((r) =>
    (r.body?.response_format as { json_schema?: { name: string } })?.json_schema?.name
  );
  assert.deepEqual(names, ["deep_analysis"]);
  assert.ok(log.lines.some((l) => l.startsWith("DEEP ANALYSIS")));
});

Deno.test("a failed quick analysis is a warning and runs again after the next answer", async () => {
  await using openai = await startOpenAiMock();
  const valid = JSON.stringify({
    patterns: [{
      type: "emotional",
      title: "Тревога по утрам",
      description: "Утром тревожно.",
      evidence: ["утром тревожно"],
      confidence: 0.5,
      tags: [],
    }],
    state: { mood: "тревожное", stress: "medium", energy: "low" },
  });
  openai.script(
    { kind: "chat", text: "Ответ 1" },
    { kind: "chat", text: "Ответ 2" },
    { kind: "chat", text: "Ответ 3" },
    { kind: "chat", text: "это не JSON" },
    { kind: "chat", text: "Ответ 4" },
    { kind: "chat", text: valid },
  );
  await using t = await startTestBot({
    openaiBaseUrl: openai.baseUrl,
    flags: { enablePatternAnalysis: { mode: "on" } },
  });
  const u = new Updates();
  await onboard(t, u, "/helper");
  for (const text of ["раз", "два", "мне утром тревожно"]) await t.send(u.text(ALICE, text));
  assert.ok(t.log.lines.some((l) => l.startsWith("WARN QUICK ANALYSIS failed")));
  assert.equal((await loadProfile(t.db, ALICE.id)).patterns.length, 0);
  await t.send(u.text(ALICE, "четыре"));
  assert.equal(openai.pending(), 0);
  const profile = await loadProfile(t.db, ALICE.id);
  assert.deepEqual(profile.patterns.map((p) => p.title), ["Тревога по утрам"]);
  const [row] = await t.db.query<{ retry_quick: string | null }>(
    "SELECT retry_quick FROM user_profiles WHERE user_id = $1",
    [ALICE.id],
  );
  assert.equal(row!.retry_quick, null);
  const info = t.log.lines.filter((l) => l.startsWith("QUICK ANALYSIS"));
  assert.equal(info.length, 1);
  for (const text of ["раз", "два", "тревожно", "Тревога по утрам"]) {
    assert.ok(!info[0]!.includes(text), `no message text in the log line: ${text}`);
  }
  assert.ok(!t.log.lines.some((l) => /^(ERROR|CRITICAL)/.test(l)));
});

Deno.test("a completed quiz's leanings join the profile through the same merge", async () => {
  await using db = await freshDb();
  await using openai = await startOpenAiMock();
  const { analysis, log } = await setup(db, openai);
  analysis.afterQuiz(USER, [
    candidate("Тревожится о деньгах", { evidence: ["боюсь остаться без денег"] }),
  ]);
  analysis.afterQuiz(USER, [candidate("Тревожится о деньгах")]);
  await analysis.idle();
  const [p] = await patterns(db);
  assert.equal(p!.occurrences, 2);
  assert.equal(p!.source, "quiz");
  assert.deepEqual(p!.evidence, ["боюсь остаться без денег"]);
  assert.equal(log.lines.filter((l) => l.startsWith("QUIZ PATTERNS")).length, 2);
});
