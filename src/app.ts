// The composition root: createApp(config, overrides?) builds everything the bot and the api run
// on — logger, metrics, database, OpenAI client, payments, pattern analysis, crisis triage, clock
// and the bot's services — once, in one place. `soulbot bot`, `soulbot api`, smoke and the test
// harness all start from it; tests change only what `AppOverrides` lets them (a fake clock, a
// database of their own, mock URLs through the config), never the wiring.
//
//   await using app = await createApp(config, { role: "bot", log, metrics });
//   await app.migrate();
//   const { bot, worker } = await app.bot();   // worker: the durable inbox's (src/bot/worker.ts)

import type { UserFromGetMe } from "grammy/types";
import type { ConfigWith } from "./config.ts";
import type { Db } from "./db/db.ts";
import { openDatabase } from "./db/connect.ts";
import { loadMigrations, migrate, type Migration } from "./db/migrate.ts";
import { createLogger, type Logger } from "./log.ts";
import { pseudonymiser } from "./log_ids.ts";
import { createMetrics, type Metrics } from "./metrics/metrics.ts";
import { meteredDb } from "./metrics/db.ts";
import { meteredLlm } from "./metrics/llm.ts";
import type { Llm } from "./llm/llm.ts";
import { createOpenAiLlm } from "./llm/openai.ts";
import { loadQuizBanks, type QuizBank } from "./quiz/content.ts";
import type { QuizCategory } from "./quiz/categories.ts";
import { paymentsFromConfig } from "./payments/setup.ts";
import type { Payments } from "./payments/service.ts";
import { type Analyzer, createAnalyzer } from "./patterns/analysis.ts";
import type { Lexicon } from "./safety/analyser_lexicon.ts";
import { setUpSafety } from "./safety/setup.ts";
import { flagOn } from "./flags.ts";
import { ipMatcher } from "./payments/ip_allowlist.ts";
import { createApi } from "./api/app.ts";
import type { BotServices } from "./bot/context.ts";
import { createBot } from "./bot/bot.ts";
import type { LimitVerdicts } from "./bot/rate_limit.ts";
import { SPAM_LIMIT, type SpamLimit } from "./inbox/inbox.ts";
import { createNotifier, telegramSender } from "./bot/payment_notices.ts";
import { createWorker, type Worker, type WorkerOptions } from "./bot/worker.ts";
import { expiredMessage } from "./bot/outage.ts";
import { mainNumber } from "./safety/helplines.ts";
import { createTally } from "./stats/tally.ts";

/** The configuration of a process that talks to Telegram. */
export type BotConfig = ConfigWith<["BOT_TOKEN"]>;

/** What a caller may put in place of what createApp would build. */
export interface AppOverrides {
  /** Names the process in the metrics ("bot" or "api"). */
  role?: "bot" | "api";
  log?: Logger;
  metrics?: Metrics;
  /** An open database; it stays the caller's (not closed with the app). */
  db?: Db;
  /** Aborts waiting for the database at start-up (a signal during start-up). */
  signal?: AbortSignal;
  /** The clock (tests: a fixed day). */
  now?: () => Date;
  /** Another model client (smoke: a fake that never leaves the process). */
  llm?: Llm;
  quizzes?: ReadonlyMap<QuizCategory, QuizBank>;
  /** A crisis lexicon compiled once and shared by many apps (tests). */
  lexicon?: Lexicon;
  /** Known bot identity (tests, smoke); otherwise fetched with getMe. */
  botInfo?: UserFromGetMe;
  /** The spam limit (defaults: SPAM_LIMIT in src/inbox/inbox.ts). */
  rateLimit?: Partial<SpamLimit>;
  /** How long a button press may wait for its answer (default 5 s). */
  answerCallbacksWithinMs?: number;
  /** Least time between two edits of a streamed answer (default 1 s, Telegram's pace). */
  streamEditMs?: number;
  /** Whether Telegram's message drafts are tried for streaming (default yes). */
  drafts?: boolean;
  /** Waits between retries of a YooKassa request (tests: none). */
  paymentRetryDelaysMs?: number[];
  /** The inbox worker's tuning (tests: no retry delays). */
  worker?: Omit<
    WorkerOptions,
    "db" | "bot" | "log" | "verdicts" | "spamLimit" | "tally" | "firstRuns"
  >;
}

export interface App extends AsyncDisposable {
  readonly config: BotConfig;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly db: Db;
  readonly payments: Payments;
  /** Pattern analysis; `idle()` resolves when the background analyses have finished. */
  readonly analysis: Analyzer;
  /** Applies pending migrations: how many exist and which ran just now. */
  migrate(): Promise<{ migrations: Migration[]; applied: Migration[] }>;
  /**
   * The Telegram bot over the services it builds (`recordPath`: `bot --record FILE`), and the
   * worker that feeds it from the durable inbox (not started).
   */
  bot(opts?: { recordPath?: string }): Promise<
    { bot: ReturnType<typeof createBot>; worker: Worker; services: BotServices }
  >;
  /** The HTTP api (health, YooKassa notifications, stats, metrics) over the same services. */
  api(migrations: Migration[]): ReturnType<typeof createApi>;
}

export async function createApp(config: BotConfig, overrides: AppOverrides = {}): Promise<App> {
  const metrics = overrides.metrics ?? createMetrics(overrides.role ?? "bot");
  const log = overrides.log ??
    createLogger({ ...config.log, observe: metrics.observeLog });
  const now = overrides.now ?? (() => new Date());
  const own = overrides.db === undefined;
  const raw = overrides.db ??
    await openDatabase(config.database, { log, signal: overrides.signal });
  const db = meteredDb(raw, metrics);
  const { openai } = config;
  const llm = meteredLlm(
    overrides.llm ?? createOpenAiLlm({ ...openai, log }),
    metrics,
    openai.prices,
  );
  const pseudonym = pseudonymiser(config.botToken);
  const payments = paymentsFromConfig(config, {
    db,
    log,
    pseudonym,
    retryDelaysMs: overrides.paymentRetryDelaysMs,
  });
  const api = (userId?: number) =>
    flagOn(config.flags, "useChatCompletion", userId) ? "chat" as const : "responses" as const;
  const analysis = createAnalyzer({
    db,
    llm,
    log,
    enabledFor: (userId) => flagOn(config.flags, "enablePatternAnalysis", userId),
    api,
    model: openai.analysisModel,
    embeddingModel: openai.embeddingModel,
    now,
    pseudonym,
  });
  return {
    config,
    log,
    metrics,
    db,
    payments,
    analysis,
    async migrate() {
      const migrations = await loadMigrations();
      return { migrations, applied: await migrate(db, migrations, log) };
    },
    async bot(opts = {}) {
      // Invalid quiz content stops the start, loudly; the crisis lexicon compiles here.
      const quizzes = overrides.quizzes ?? await loadQuizBanks();
      const services: BotServices = {
        db,
        now,
        flags: config.flags,
        quizzes,
        llm,
        ai: {
          model: openai.model,
          promptTokenBudget: openai.promptTokenBudget,
          prices: openai.prices,
          api,
          streamEditMs: overrides.streamEditMs ?? 1000,
          drafts: { available: overrides.drafts ?? true },
        },
        analysis,
        payments,
        limits: { freeDailyMessages: config.subscription.freeDailyMessages },
        adminIds: config.adminIds,
        ...await setUpSafety({
          llm,
          lexicon: overrides.lexicon,
          moderationModel: openai.moderationModel,
          safetyModel: openai.safetyModel,
          timeoutMs: openai.safetyTimeoutMs,
          log,
        }),
        alertChatId: config.adminChatId,
        pseudonym,
        metrics,
        tally: createTally(db, log),
      };
      const verdicts: LimitVerdicts = new WeakMap();
      const firstRuns = new WeakSet<object>();
      const bot = createBot({
        ...services,
        token: config.botToken,
        apiRoot: config.telegramApiRoot,
        log,
        botInfo: overrides.botInfo,
        recordPath: opts.recordPath,
        verdicts,
        firstRuns,
        answerCallbacksWithinMs: overrides.answerCallbacksWithinMs,
      });
      const worker = createWorker({
        timeoutMs: config.inbox.updateTimeoutSeconds * 1000,
        expiredNotice: expiredMessage(mainNumber(services.helplines)),
        ...overrides.worker,
        db,
        bot,
        log,
        verdicts,
        firstRuns,
        tally: services.tally,
        spamLimit: { ...SPAM_LIMIT, ...overrides.rateLimit },
      });
      return { bot, worker, services };
    },
    api: (migrations) =>
      createApi({
        db,
        log,
        migrations,
        payments,
        notify: createNotifier(db, telegramSender(config.botToken, config.telegramApiRoot)),
        allowed: ipMatcher(config.yookassa.allowedIps),
        trustedProxies: ipMatcher(config.yookassa.trustedProxies),
        metrics,
        statsToken: config.statsToken,
        now,
        webhook: config.webhook.receiver,
      }),
    async [Symbol.asyncDispose]() {
      if (!own) return;
      await raw.close().catch((err) => log.warn("Cannot close the database cleanly", { err }));
      log.info("Database closed");
    },
  };
}
