// `soulbot bot`: the Telegram bot with long polling into the durable inbox and its worker in one
// process. Start-up logs four ✅ lines (config, database, migrations, Telegram); updates a killed
// predecessor left unfinished are taken up at once; SIGINT/SIGTERM stop polling, let updates in
// flight finish within a bound, and close the database. Everything is built by createApp.

import { createApp } from "../app.ts";
import { configLine } from "../config_summary.ts";
import { authorise, poll, registerCommands } from "../bot/polling.ts";
import { outageNotices } from "../bot/outage.ts";
import { mainNumber } from "../safety/helplines.ts";
import { startHousekeeping } from "../ops/housekeeping.ts";
import { serveMetrics } from "../metrics/server.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { AbortedError } from "../sleep.ts";
import type { Logger } from "../log.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { loadCliConfig } from "./setup.ts";

const help = `Usage: soulbot bot [--record FILE]

Runs the Telegram bot with long polling. Every update is stored in the database before Telegram
is told it arrived, so a crash loses none. Applies pending migrations first. Stops cleanly on
SIGINT or SIGTERM. Refuses to run when another process polls with the same BOT_TOKEN.

Options:
  --record FILE   append every incoming update, scrubbed of ids, names and tokens, to FILE
                  (JSON lines) so a manual chat with the test bot can become a test scenario

Examples:
  soulbot bot
  ENV=test soulbot bot --record chat.jsonl

Exit codes: 0 stopped by a signal, 1 failure, 2 usage error.`;

const ANALYSIS_GRACE_MS = 15_000;

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
    log.info(`✅ Config loaded: ${configLine(config, files)}`);
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
      await using _housekeeping = await startHousekeeping({ db, log, metrics, payments });
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
      await worker.recover();
      await poll(bot, worker, {
        log,
        shutdown: io.shutdown,
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
