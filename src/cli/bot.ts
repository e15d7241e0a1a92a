// `soulbot bot`: the Telegram bot with long polling into the durable inbox and its worker in one
// process. Start-up logs four ✅ lines (config, database, migrations, Telegram); updates a killed
// predecessor left unfinished are taken up at once (an answer they were writing is finished in
// its message), and answers left open by updates given up on get a notice with «🔁 Повторить»
// (src/bot/interrupted.ts); SIGINT/SIGTERM stop polling, let updates in flight finish within a
// bound, and close the database. Everything is built by createApp.
// `--receive-only` polls and stores but works nothing: `soulbot worker` processes answer.

import { createApp } from "../app.ts";
import { configLine } from "../config_summary.ts";
import { authorise, poll, registerCommands } from "../bot/polling.ts";
import { outageNotices } from "../bot/outage.ts";
import { mainNumber } from "../safety/helplines.ts";
import { finishInterrupted } from "../bot/interrupted.ts";
import { startHousekeeping } from "../ops/housekeeping.ts";
import { serveMetrics } from "../metrics/server.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { watchInbox } from "../metrics/inbox.ts";
import { AbortedError } from "../sleep.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { finishAnalyses, requireServerDatabase, warnWithoutModel } from "./serving.ts";
import { loadCliConfig } from "./setup.ts";

const help = `Usage: soulbot bot [--receive-only] [--record FILE]

Runs the Telegram bot with long polling. Every update is stored in the database before Telegram
is told it arrived, so a crash loses none. Applies pending migrations first. Stops cleanly on
SIGINT or SIGTERM. Refuses to run when another process polls with the same BOT_TOKEN, or when a
webhook is set (\`soulbot webhook delete\` goes back to polling).

Options:
  --receive-only  poll and store updates, answer none: \`soulbot worker\` processes (any number,
                  on any machines) answer them. Needs a PostgreSQL server.
  --record FILE   append every incoming update, scrubbed of ids, names and tokens, to FILE
                  (JSON lines) so a manual chat with the test bot can become a test scenario

Examples:
  soulbot bot
  ENV=test soulbot bot --record chat.jsonl
  soulbot bot --receive-only      # beside: soulbot worker, on as many machines as needed

Exit codes: 0 stopped by a signal, 1 failure, 2 usage error.`;

export const command: Command = {
  name: "bot",
  summary: "run the Telegram bot",
  help,
  async run(args, io) {
    const { values } = parseCommandArgs("bot", args, {
      record: { type: "string" },
      "receive-only": { type: "boolean" },
    });
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    const metrics = createMetrics("bot", { defaultMetrics: true });
    const { config, files, log } = await loadCliConfig(io, ["BOT_TOKEN"], metrics.observeLog);
    const receiveOnly = values["receive-only"] ?? false;
    if (receiveOnly) requireServerDatabase(config.database, "soulbot bot --receive-only");
    log.info(`✅ Config loaded: ${configLine(config, files)}`);
    if (!receiveOnly) warnWithoutModel(config.openai, log);
    // A signal during start-up (waiting for the database or Telegram) ends the waiting.
    const stop = new AbortController();
    io.shutdown.then((sig) => stop.abort(sig));
    try {
      await using app = await createApp(config, { log, metrics, signal: stop.signal });
      log.info(`✅ Database connected: ${app.db.description}`);
      const { migrations, applied } = await app.migrate();
      log.info(
        `✅ Migrations up to date: ${migrations.length} applied` +
          (applied.length ? ` (${applied.length} just now)` : ""),
      );
      const { payments, analysis, db } = app;
      watchInbox(metrics, db);
      await using _housekeeping = await startHousekeeping({
        db,
        log,
        metrics,
        payments,
        recoverAnswers: !receiveOnly,
      });
      let polling = false;
      await using _metrics = serveMetrics({
        hostname: config.api.host,
        port: config.metrics.port,
        metrics,
        log,
        signal: stop.signal,
        healthy: async () => polling && (await db.query("SELECT 1"), true),
      });
      const { bot, worker, services } = await app.bot({ recordPath: values.record });
      await authorise(bot, log, { signal: stop.signal });
      await registerCommands(bot, log);
      if (!receiveOnly) {
        await worker.recover();
        await finishInterrupted({ db, api: bot.api, log });
      }
      await poll(bot, worker, {
        log,
        shutdown: io.shutdown,
        work: !receiveOnly,
        onPolling: () => polling = true,
        outage: outageNotices(bot.api, log, mainNumber(services.helplines)),
      });
      await finishAnalyses(analysis.idle(), log);
      return EXIT_OK;
    } catch (err) {
      if (!(err instanceof AbortedError)) throw err;
      log.info(`Stopped by ${stop.signal.reason} during start-up`);
      return EXIT_OK;
    }
  },
};
