// `soulbot bot`: the Telegram bot with long polling. Start-up logs four ✅ lines (config,
// database, migrations, Telegram); SIGINT/SIGTERM stop polling, let updates in flight finish
// within a bound, and close the database.

import { describeFlag } from "../flags.ts";
import { FLAG_NAMES } from "../config.ts";
import { openDatabase } from "../db/connect.ts";
import { loadMigrations, migrate } from "../db/migrate.ts";
import { createBot } from "../bot/bot.ts";
import { createOpenAiLlm } from "../llm/openai.ts";
import { failInterrupted } from "../chat/history.ts";
import { loadQuizBanks } from "../quiz/content.ts";
import { pruneProcessedUpdates } from "../bot/dedupe.ts";
import { authorise, poll, registerCommands } from "../bot/polling.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { loadCliConfig } from "./setup.ts";
import { Aborted } from "../sleep.ts";
import type { Logger } from "../log.ts";
import { isEnabled } from "../flags.ts";
import { createAnalyzer } from "../patterns/analysis.ts";
import { pseudonymiser } from "../log_ids.ts";
import { paymentsFromConfig } from "../payments/setup.ts";
import { setUpSafety } from "../safety/setup.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { meteredDb } from "../metrics/db.ts";
import { meteredLlm } from "../metrics/llm.ts";
import { createFlusher } from "../metrics/flush.ts";
import { serveMetrics } from "../metrics/server.ts";

const help = `Usage: soulbot bot [--record FILE]

Runs the Telegram bot with long polling. Applies pending migrations first. Stops cleanly on
SIGINT or SIGTERM. Refuses to run when another process polls with the same BOT_TOKEN.

Options:
  --record FILE   append every incoming update, scrubbed of ids, names and tokens, to FILE
                  (JSON lines) so a manual chat with the test bot can become a test scenario

Examples:
  soulbot bot
  ENV=test soulbot bot --record chat.jsonl

Exit codes: 0 stopped by a signal, 1 failure, 2 usage error.`;

function stopped(log: Logger, signal: AbortSignal): number {
  log.info(`Stopped by ${signal.reason} during start-up`);
  return EXIT_OK;
}

const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;
const ANALYSIS_GRACE_MS = 15_000;
const EXPIRE_EVERY_MS = 5 * 60 * 1000;
const FLUSH_METRICS_EVERY_MS = 60 * 1000;

/** Pattern analyses still running at a stop get a bounded time to finish (they retry later). */
async function finishAnalyses(idle: Promise<void>, log: Logger) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((r) => timer = setTimeout(() => r(true), ANALYSIS_GRACE_MS));
  const timedOut = await Promise.race([idle.then(() => false), late]);
  clearTimeout(timer);
  if (timedOut) log.warn("Stopped before a pattern analysis finished; later analyses catch up");
}

export const command: Command = {
  name: "bot",
  summary: "run the Telegram bot",
  help,
  async run(args, io) {
    const { values } = parseCommandArgs("bot", args, { record: { type: "string" } });
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    const metrics = createMetrics("bot", { defaultMetrics: true });
    const { config, files, log } = await loadCliConfig(io, ["BOT_TOKEN"], metrics.observeLog);
    const flags = Object.entries(FLAG_NAMES)
      .map(([key, name]) => `${name}=${describeFlag(config.flags[key as keyof typeof FLAG_NAMES])}`)
      .join(" ");
    log.info(
      `✅ Config loaded: ENV=${config.env} (${files.join(", ") || "no env file"}); ${flags}`,
    );

    const quizzes = await loadQuizBanks(); // invalid quiz content stops the start, loudly

    // A signal during start-up (waiting for the database or Telegram) ends the waiting.
    const stop = new AbortController();
    io.shutdown.then((sig) => stop.abort(sig));
    let db;
    try {
      db = meteredDb(await openDatabase(config.database, { log, signal: stop.signal }), metrics);
    } catch (err) {
      if (err instanceof Aborted) return stopped(log, stop.signal);
      throw err;
    }
    let pruner: ReturnType<typeof setInterval> | undefined;
    let expirer: ReturnType<typeof setInterval> | undefined;
    let flusher: ReturnType<typeof setInterval> | undefined;
    const metricsStop = new AbortController();
    const flush = createFlusher(db, metrics, { log });
    let polling = false;
    try {
      log.info(`✅ Database connected: ${db.description}`);
      const migrations = await loadMigrations();
      const applied = await migrate(db, migrations, log);
      log.info(
        `✅ Migrations up to date: ${migrations.length} applied` +
          (applied.length ? ` (${applied.length} just now)` : ""),
      );
      const prune = () =>
        pruneProcessedUpdates(db).catch((err) =>
          log.warn("Cannot prune processed updates", { err })
        );
      await prune();
      const interrupted = await failInterrupted(db);
      if (interrupted) log.warn(`${interrupted} answer(s) were interrupted by the last stop`);
      pruner = setInterval(prune, PRUNE_EVERY_MS);
      const expire = () =>
        payments.expire(new Date()).catch((err) =>
          log.warn("Cannot expire unpaid payments", { err })
        );
      expirer = setInterval(expire, EXPIRE_EVERY_MS);
      flusher = setInterval(() => flush.flush(), FLUSH_METRICS_EVERY_MS);
      if (config.metrics.port) {
        const base = db;
        serveMetrics({
          hostname: config.api.host,
          port: config.metrics.port,
          metrics,
          log,
          signal: metricsStop.signal,
          healthy: async () => polling && (await base.query("SELECT 1"), true),
        });
      }

      const llm = meteredLlm(
        createOpenAiLlm({
          apiKey: config.openai.apiKey,
          baseUrl: config.openai.baseUrl,
          timeoutMs: config.openai.timeoutMs,
          maxRetries: config.openai.maxRetries,
          log,
        }),
        metrics,
        config.openai.prices,
      );
      const pseudonym = pseudonymiser(config.botToken);
      const payments = paymentsFromConfig(config, { db, log, pseudonym });
      const analysis = createAnalyzer({
        db,
        llm,
        log,
        flag: config.flags.enablePatternAnalysis,
        api: (id) =>
          isEnabled(config.flags.useChatCompletion, "USE_CHAT_COMPLETION", id)
            ? "chat"
            : "responses",
        model: config.openai.analysisModel,
        embeddingModel: config.openai.embeddingModel,
        now: () => new Date(),
        pseudonym,
      });
      const { bot, inFlight } = createBot({
        token: config.botToken,
        apiRoot: config.telegramApiRoot,
        db,
        log,
        recordPath: values.record,
        flags: config.flags,
        quizzes,
        llm,
        analysis,
        payments,
        limits: { freeDailyMessages: config.subscription.freeDailyMessages },
        adminIds: config.adminIds,
        ...await setUpSafety({
          llm,
          moderationModel: config.openai.moderationModel,
          safetyModel: config.openai.safetyModel,
          timeoutMs: config.openai.safetyTimeoutMs,
          log,
        }),
        alertChatId: config.adminChatId,
        pseudonym,
        metrics,
        ai: {
          model: config.openai.model,
          promptTokenBudget: config.openai.promptTokenBudget,
          prices: config.openai.prices,
          useChatCompletion: config.flags.useChatCompletion,
          streamEditMs: 1000,
          drafts: { available: true },
        },
      });
      await authorise(bot, log, { signal: stop.signal });
      await registerCommands(bot, log);
      await poll(bot, inFlight, {
        log,
        shutdown: io.shutdown,
        onPolling: () => polling = true,
      });
      await finishAnalyses(analysis.idle(), log);
      return EXIT_OK;
    } catch (err) {
      if (err instanceof Aborted) return stopped(log, stop.signal);
      throw err;
    } finally {
      clearInterval(pruner);
      clearInterval(expirer);
      clearInterval(flusher);
      metricsStop.abort();
      await flush.flush();
      await db.close().catch((err) => log.warn("Cannot close the database cleanly", { err }));
      log.info("Database closed");
    }
  },
};
