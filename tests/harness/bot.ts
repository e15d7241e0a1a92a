// An offline bot for tests: the real createBot on a fresh database, with every Bot API call
// recorded (no network) and a memory logger whose lines tests can inspect.

import { type Bot, BotError } from "grammy";
import type { BotContext } from "../../src/bot/context.ts";
import type { Update } from "grammy/types";
import { createBot } from "../../src/bot/bot.ts";
import type { Flag } from "../../src/flags.ts";
import { createOpenAiLlm } from "../../src/llm/openai.ts";
import { DEFAULT_PRICES } from "../../src/llm/pricing.ts";
import { loadQuizBanks } from "../../src/quiz/content.ts";
import { memoryLogger } from "../../src/log.ts";
import { freshDb, type TestDb } from "./db.ts";
import {
  ALICE,
  type ApiCall,
  BOT_INFO,
  recordApi,
  type Recorder,
  TEST_TOKEN,
  type Updates,
} from "./telegram.ts";
import { OB } from "../../src/bot/screens/onboarding.ts";
import { type Analyzer, createAnalyzer } from "../../src/patterns/analysis.ts";
import { isEnabled } from "../../src/flags.ts";
import { pseudonymiser } from "../../src/log_ids.ts";
import { createPayments } from "../../src/payments/service.ts";
import { createYooKassa } from "../../src/payments/yookassa.ts";
import { DEFAULT_PLANS, parsePlans } from "../../src/payments/plans.ts";
import { setUpSafety } from "../../src/safety/setup.ts";
import { loadLexicon } from "../../src/safety/analyser.ts";
import { createMetrics, type Metrics } from "../../src/metrics/metrics.ts";
import { meteredDb } from "../../src/metrics/db.ts";
import { meteredLlm } from "../../src/metrics/llm.ts";
import { telegramMetrics } from "../../src/bot/telegram_metrics.ts";

export interface TestBot extends AsyncDisposable {
  bot: Bot<BotContext>;
  db: TestDb;
  api: Recorder;
  log: ReturnType<typeof memoryLogger>;
  analysis: Analyzer;
  /** This bot's technical metrics (a registry of its own). */
  metrics: Metrics;
  /** Feeds updates one after another, as Telegram would deliver them to one chat. */
  send(...updates: Update[]): Promise<void>;
  handle(update: Update): Promise<void>;
}

/** The fixed "now" of offline tests: 24 Nov 2026, 12:00 in Moscow. */
export const TEST_NOW = "2026-11-24T09:00:00Z";

/** Feature flags of the bot under test; all on unless a test says otherwise. */
export interface TestFlags {
  enableStyleSettings: Flag;
  enableAdaptiveQuiz: Flag;
  useChatCompletion: Flag;
  /** Off unless a test turns it on, so only tests about patterns script analyses. */
  enablePatternAnalysis: Flag;
}

let banks: ReturnType<typeof loadQuizBanks> | undefined;
let lexicon: ReturnType<typeof loadLexicon> | undefined;
/** Compiling the crisis lexicon takes a while: every test bot shares one. */
function crisisLexicon() {
  return lexicon ??= loadLexicon();
}
function quizBanks() {
  return banks ??= loadQuizBanks();
}

export interface TestBotOptions {
  delayMs?: (call: ApiCall) => number;
  db?: TestDb;
  flags?: Partial<TestFlags>;
  now?: () => Date;
  /** The OpenAI mock's base URL (scenarios start one). */
  openaiBaseUrl?: string;
  openaiTimeoutMs?: number;
  openaiMaxRetries?: number;
  streamEditMs?: number;
  /** The id the fake Bot API gives the first message this bot sends (default 101). */
  firstMessageId?: number;
  /** Whether the bot starts out streaming by drafts (the fake Bot API accepts them). */
  drafts?: boolean;
  /** The YooKassa mock's API URL; without it paying is unavailable. */
  yookassaUrl?: string;
  freeDailyMessages?: number;
  adminIds?: number[];
  /** Moderation model for the crisis gate (off unless a test turns it on). */
  moderationModel?: string;
  /** The triage judge's model (off unless a test turns it on) and the layers' time limit. */
  safetyModel?: string;
  safetyTimeoutMs?: number;
  alertChatId?: number;
  /** Replayed scenarios send updates faster than a person: no limit unless a test sets one. */
  rateLimit?: { limit?: number; windowMs?: number };
  /** Metrics to record into (several bots may share one); a registry of its own by default. */
  metrics?: Metrics;
}

export async function startTestBot(opts: TestBotOptions = {}): Promise<TestBot> {
  const testDb = opts.db ?? await freshDb();
  const metrics = opts.metrics ?? createMetrics("bot");
  const db = meteredDb(testDb, metrics);
  const log = memoryLogger("debug", metrics.observeLog);
  const now = opts.now ?? (() => new Date(TEST_NOW));
  const openai = createOpenAiLlm({
    // No mock given: a closed port, so a test that unexpectedly asks the model sees it fail.
    baseUrl: opts.openaiBaseUrl ?? "http://127.0.0.1:9/v1",
    apiKey: "sk-test",
    timeoutMs: opts.openaiTimeoutMs ?? 5_000,
    maxRetries: opts.openaiMaxRetries ?? 0,
    log,
  });
  const llm = meteredLlm(openai, metrics, DEFAULT_PRICES);
  const useChatCompletion = opts.flags?.useChatCompletion ?? { mode: "on" };
  const analysis = createAnalyzer({
    db,
    llm,
    log,
    flag: opts.flags?.enablePatternAnalysis ?? { mode: "off" },
    api: (id) => isEnabled(useChatCompletion, "USE_CHAT_COMPLETION", id) ? "chat" : "responses",
    model: "gpt-4o",
    embeddingModel: "text-embedding-3-small",
    now,
    pseudonym: pseudonymiser("test"),
  });
  const payments = createPayments({
    db,
    log,
    pseudonym: pseudonymiser("test"),
    yookassa: opts.yookassaUrl
      ? createYooKassa({ shopId: "123456", secretKey: "test_secret", apiUrl: opts.yookassaUrl })
      : undefined,
    config: { plans: parsePlans(DEFAULT_PLANS), ttlMinutes: 60 },
    retryDelaysMs: [0, 0],
  });
  const { bot } = createBot({
    token: TEST_TOKEN,
    apiRoot: "http://127.0.0.1:9",
    db,
    log,
    botInfo: BOT_INFO,
    flags: {
      enableStyleSettings: { mode: "on" },
      enableAdaptiveQuiz: { mode: "on" },
      ...opts.flags,
    },
    quizzes: await quizBanks(),
    llm,
    analysis,
    payments,
    limits: { freeDailyMessages: opts.freeDailyMessages ?? 10 },
    adminIds: opts.adminIds ?? [],
    ...await setUpSafety({
      llm,
      lexicon: await crisisLexicon(),
      moderationModel: opts.moderationModel,
      safetyModel: opts.safetyModel,
      timeoutMs: opts.safetyTimeoutMs ?? 1500,
      log,
    }),
    alertChatId: opts.alertChatId,
    metrics,
    rateLimit: opts.rateLimit ?? { limit: 1_000_000 },
    pseudonym: pseudonymiser("test"),
    ai: {
      model: "gpt-4o-mini",
      promptTokenBudget: 6000,
      prices: DEFAULT_PRICES,
      useChatCompletion,
      // Only the first text and the final answer are shown, so golden files do not depend on
      // timing; stream_reply tests cover throttled edits.
      streamEditMs: opts.streamEditMs ?? 3_600_000,
      drafts: { available: opts.drafts ?? true },
    },
    now,
  });
  const api = recordApi(bot, { delayMs: opts.delayMs, firstMessageId: opts.firstMessageId });
  // The recorder answers instead of Telegram, so the count goes around it (the real order, the
  // counter inside auto-retry, is checked by the bot process test).
  bot.api.config.use(telegramMetrics(metrics));
  // As the runner does: handleUpdate throws a BotError, which goes to the bot.catch handler.
  // Background pattern analyses finish before the next update, so runs are deterministic.
  const handle = async (u: Update) => {
    try {
      await bot.handleUpdate(u);
    } catch (err) {
      if (!(err instanceof BotError)) throw err;
      await bot.errorHandler(err);
    }
    await analysis.idle();
  };
  return {
    bot,
    db: testDb,
    api,
    log,
    analysis,
    metrics,
    handle,
    async send(...updates) {
      for (const u of updates) await handle(u);
    },
    // A database passed in belongs to the caller (a restarted bot shares it).
    [Symbol.asyncDispose]: () => opts.db ? Promise.resolve() : testDb[Symbol.asyncDispose](),
  };
}

/**
 * Takes ALICE through onboarding (consent, Telegram name, no age, no gender) — optionally into an
 * assistant chat — and forgets the calls it made, so a test sees only its own.
 */
export async function onboard(t: TestBot, u: Updates, then?: "/helper" | "/soulsleep") {
  await t.send(
    u.command(ALICE, "/start"),
    u.callback(ALICE, OB.consent, 101),
    u.callback(ALICE, OB.nameDefault, 101),
    u.callback(ALICE, OB.ageSkip, 101),
    u.callback(ALICE, OB.genderSkip, 101),
  );
  if (then) await t.send(u.command(ALICE, then));
  t.api.clear();
}
