// `soulbot worker`: works the durable inbox and receives nothing — the updates come from a
// receiver elsewhere (`soulbot bot --receive-only`, or the webhook on `soulbot api`). Any number
// of workers, on any machines, share one PostgreSQL server: claims, leases and the per-chat order
// live in the database. SIGINT/SIGTERM: no more claims, updates in hand get a bounded time to
// finish, the rest is put back for another worker at once.

import { createApp } from "../app.ts";
import { configLine } from "../config_summary.ts";
import { authorise } from "../bot/polling.ts";
import { startHousekeeping } from "../ops/housekeeping.ts";
import { finishInterrupted } from "../bot/interrupted.ts";
import { serveMetrics } from "../metrics/server.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { watchInbox } from "../metrics/inbox.ts";
import { UsageError } from "../errors.ts";
import { AbortedError } from "../sleep.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { finishAnalyses, requireServerDatabase, warnWithoutModel } from "./serving.ts";
import { loadCliConfig } from "./setup.ts";

const help = `Usage: soulbot worker [--concurrency N]

Works the inbox: answers the updates a receiver stored — \`soulbot bot --receive-only\` (long
polling) or the webhook of \`soulbot api\` — and receives nothing itself. Run as many as you like,
on any machines, against one PostgreSQL server: each chat's updates are still handled one at a
time, in order, each once. Needs a PostgreSQL server (DATABASE_URL or POSTGRES_HOST): the embedded
database cannot be shared across processes. Applies pending migrations first.

SIGINT or SIGTERM: takes no more updates, lets those in hand finish (at most 10 s) and puts the
rest back, so another worker takes them at once.

Options:
  --concurrency N   chats handled at once (default 1000: most of them wait for the model)

Examples:
  soulbot worker
  ENV=prod soulbot worker --concurrency 20

Exit codes: 0 stopped by a signal, 1 failure, 2 usage error.`;

const DRAIN_MS = 10_000;

export const command: Command = {
  name: "worker",
  summary: "work the inbox only (receives nothing): any number, on any machines",
  help,
  async run(args, io) {
    const { values } = parseCommandArgs("worker", args, { concurrency: { type: "string" } });
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    const concurrency = parseConcurrency(values.concurrency);
    const metrics = createMetrics("bot", { defaultMetrics: true });
    const { config, files, log } = await loadCliConfig(io, ["BOT_TOKEN"], metrics.observeLog);
    requireServerDatabase(config.database, "soulbot worker");
    log.info(`✅ Config loaded: ${configLine(config, files)}`);
    warnWithoutModel(config.openai, log);
    const stop = new AbortController();
    io.shutdown.then((sig) => stop.abort(sig));
    try {
      await using app = await createApp(config, {
        log,
        metrics,
        signal: stop.signal,
        worker: { concurrency },
      });
      log.info(`✅ Database connected: ${app.db.description}`);
      const { migrations } = await app.migrate();
      log.info(`✅ Migrations up to date: ${migrations.length} applied`);
      const { payments, analysis, db } = app;
      watchInbox(metrics, db);
      await using _housekeeping = await startHousekeeping({
        db,
        log,
        metrics,
        payments,
        recoverAnswers: false,
      });
      let working = false;
      await using _metrics = serveMetrics({
        hostname: config.api.host,
        port: config.metrics.port,
        metrics,
        log,
        signal: stop.signal,
        healthy: async () => working && (await db.query("SELECT 1"), true),
      });
      const { bot, worker } = await app.bot();
      await authorise(bot, log, { signal: stop.signal });
      await worker.recover();
      await finishInterrupted({ db, api: bot.api, log });
      worker.start();
      working = true;
      log.info(`✅ Worker ${worker.id} working the inbox of @${bot.botInfo.username}`);
      const signal = await io.shutdown;
      working = false;
      log.info(`Stopping (${signal}): finishing ${worker.size} update(s) in hand`);
      if (!await worker.stop(DRAIN_MS)) {
        log.warn("Gave up waiting for updates in hand; they were put back for another worker");
      }
      await finishAnalyses(analysis.idle(), log);
      log.info("Worker stopped");
      return EXIT_OK;
    } catch (err) {
      if (!(err instanceof AbortedError)) throw err;
      log.info(`Stopped by ${stop.signal.reason} during start-up`);
      return EXIT_OK;
    }
  },
};

function parseConcurrency(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined; // the worker's default
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 10_000)) {
    throw new UsageError(
      `soulbot worker: --concurrency must be a whole number from 1 to 10000, not "${raw}"`,
    );
  }
  return n;
}
