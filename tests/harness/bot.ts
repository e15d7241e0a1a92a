// An offline bot for tests: the real app (createApp, configured through the environment it would
// read) on a fresh database, with every Bot API call recorded (no network) and a memory logger
// whose lines tests can inspect. Updates go the way polling sends them: into the durable inbox,
// handled by its worker (drained after each, so a test sees the outcome and no timer remains).

import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../../src/bot/context.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { describeFlag, type Flag, FLAG_NAMES, type FlagKey } from "../../src/flags.ts";
import { loadQuizBanks } from "../../src/quiz/content.ts";
import { memoryLogger } from "../../src/log.ts";
import { freshDb, type TestDb } from "./db.ts";
import {
  ALICE,
  type ApiCall,
  BOT_INFO,
  type Person,
  recordApi,
  type Recorder,
  TEST_TOKEN,
  type Updates,
} from "./telegram.ts";
import { OB } from "../../src/bot/screens/onboarding.ts";
import type { Analyzer } from "../../src/patterns/analysis.ts";
import { loadLexicon } from "../../src/safety/analyser.ts";
import { createMetrics, type Metrics } from "../../src/metrics/metrics.ts";
import { telegramMetrics } from "../../src/bot/telegram_metrics.ts";
import type { Worker, WorkerOptions } from "../../src/bot/worker.ts";

export interface TestBot extends AsyncDisposable {
  bot: Bot<BotContext>;
  db: TestDb;
  api: Recorder;
  log: ReturnType<typeof memoryLogger>;
  analysis: Analyzer;
  /** This bot's technical metrics (a registry of its own). */
  metrics: Metrics;
  /** The inbox's worker (not started: `handle` drains it). */
  worker: Worker;
  /** Feeds updates one after another, as Telegram would deliver them to one chat. */
  send(...updates: Update[]): Promise<void>;
  /**
   * Stores the update in the inbox (in call order, as one poll would) and drains the worker: it
   * is handled — or retried, or parked — before this resolves. Calls may overlap.
   */
  handle(update: Update): Promise<void>;
}

/** The fixed "now" of offline tests: 24 Nov 2026, 12:00 in Moscow. */
export const TEST_NOW = "2026-11-24T09:00:00Z";

/** Feature flags of the bot under test, every flag `src/flags.ts` names. */
export type TestFlags = Record<FlagKey, Flag>;

/** All on unless a test says otherwise — except pattern analysis, so only tests about patterns
 * script analyses. */
const TEST_FLAGS: TestFlags = {
  enableStyleSettings: { mode: "on" },
  enableAdaptiveQuiz: { mode: "on" },
  useChatCompletion: { mode: "on" },
  enablePatternAnalysis: { mode: "off" },
};

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
  /** How long a button press may wait for its answer (default: the production 5 s). */
  answerCallbacksWithinMs?: number;
  /** Metrics to record into (several bots may share one); a registry of its own by default. */
  metrics?: Metrics;
  /** The inbox worker's tuning; by default retries wait no time. */
  worker?: Omit<WorkerOptions, "db" | "bot" | "log">;
}

export async function startTestBot(opts: TestBotOptions = {}): Promise<TestBot> {
  const testDb = opts.db ?? await freshDb();
  const metrics = opts.metrics ?? createMetrics("bot");
  const log = memoryLogger("debug", metrics.observeLog);
  const flags = { ...TEST_FLAGS, ...opts.flags };
  // The bot under test is configured as production is: through the environment it would read.
  const config = loadConfig({
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: "http://127.0.0.1:9",
    // No mock given: a closed port, so a test that unexpectedly asks the model sees it fail.
    OPENAI_BASE_URL: opts.openaiBaseUrl ?? "http://127.0.0.1:9/v1",
    OPENAI_API_KEY: "sk-test",
    OPENAI_TIMEOUT_MS: String(opts.openaiTimeoutMs ?? 5_000),
    OPENAI_MAX_RETRIES: String(opts.openaiMaxRetries ?? 0),
    OPENAI_MODERATION_MODEL: opts.moderationModel ?? "off",
    OPENAI_SAFETY_MODEL: opts.safetyModel ?? "off",
    SAFETY_TIMEOUT_MS: String(opts.safetyTimeoutMs ?? 1500),
    ...Object.fromEntries(
      Object.entries(flags).map(([key, flag]) => [FLAG_NAMES[key as FlagKey], describeFlag(flag)]),
    ),
    ...(opts.yookassaUrl
      ? {
        YOOKASSA_SHOP_ID: "123456",
        YOOKASSA_SECRET_KEY: "test_secret",
        YOOKASSA_API_URL: opts.yookassaUrl,
      }
      : {}),
    FREE_DAILY_MESSAGES: String(opts.freeDailyMessages ?? 10),
    ADMIN_IDS: (opts.adminIds ?? []).join(","),
    ADMIN_CHAT_ID: opts.alertChatId === undefined ? undefined : String(opts.alertChatId),
  }, { require: ["BOT_TOKEN"] });
  const app = await createApp(config, {
    db: testDb,
    log,
    metrics,
    now: opts.now ?? (() => new Date(TEST_NOW)),
    quizzes: await quizBanks(),
    lexicon: await crisisLexicon(),
    botInfo: BOT_INFO,
    rateLimit: opts.rateLimit ?? { limit: 1_000_000 },
    answerCallbacksWithinMs: opts.answerCallbacksWithinMs,
    // Only the first text and the final answer are shown, so golden files do not depend on
    // timing; stream_reply tests cover throttled edits.
    streamEditMs: opts.streamEditMs ?? 3_600_000,
    drafts: opts.drafts ?? true,
    paymentRetryDelaysMs: [0, 0],
    worker: { retryBaseMs: 0, ...opts.worker },
  });
  const { bot, worker } = await app.bot();
  const analysis = app.analysis;
  const api = recordApi(bot, { delayMs: opts.delayMs, firstMessageId: opts.firstMessageId });
  // The recorder answers instead of Telegram, so the count goes around it (the real order, the
  // counter inside auto-retry, is checked by the bot process test).
  bot.api.config.use(telegramMetrics(metrics));
  // As polling does: into the inbox, then the worker (a failure ends, after its retries, in the
  // bot.catch handler). Stored one after another in call order, so overlapping calls keep their
  // order as one poll's batch would. Background pattern analyses finish before the next update,
  // so runs are deterministic.
  let stored = Promise.resolve();
  const handle = async (u: Update) => {
    const mine = stored.then(() => worker.enqueue([u]));
    stored = mine.then(() => {}, () => {});
    await mine;
    await worker.drain();
    await analysis.idle();
  };
  return {
    bot,
    db: testDb,
    api,
    log,
    analysis,
    metrics,
    worker,
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
  await onboardAs(t, u, ALICE, then);
}

/**
 * Takes `who` through onboarding as `onboard` does ALICE: the buttons are tapped on the welcome
 * message the bot sent them, whoever came before. Optionally into an assistant chat; the calls
 * it made are forgotten.
 */
export async function onboardAs(
  t: TestBot,
  u: Updates,
  who: Person,
  then?: "/helper" | "/soulsleep",
) {
  await t.send(u.command(who, "/start"));
  const welcome = t.api.calls.findLast((c) => c.method === "sendMessage")!;
  const id = (welcome.result as { message_id: number }).message_id;
  for (const data of [OB.consent, OB.nameDefault, OB.ageSkip, OB.genderSkip]) {
    await t.send(u.callback(who, data, id));
  }
  if (then) await t.send(u.command(who, then));
  t.api.clear();
}
