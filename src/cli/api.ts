// `soulbot api`: the HTTP service (health, YooKassa notifications) on API_HOST:API_PORT.
// Applies pending migrations first (safe beside the bot: migrations take an advisory lock).
// SIGINT/SIGTERM finish requests in flight and close the database.

import { openDatabase } from "../db/connect.ts";
import { loadMigrations, migrate } from "../db/migrate.ts";
import { createApi } from "../api/app.ts";
import { ipMatcher } from "../payments/ip_allowlist.ts";
import { paymentsFromConfig } from "../payments/setup.ts";
import { createNotifier, telegramSender } from "../bot/payment_notices.ts";
import { pseudonymiser } from "../log_ids.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { loadCliConfig } from "./setup.ts";
import { Aborted } from "../sleep.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { meteredDb } from "../metrics/db.ts";
import { createFlusher } from "../metrics/flush.ts";

const help = `Usage: soulbot api

Runs the HTTP service on API_HOST:API_PORT (default 0.0.0.0:8080):
  GET  /health                  200 when the database is reachable and migrations are current,
                                503 otherwise (JSON with the details and the version)
  POST /yookassa/notifications  YooKassa payment notifications (point the shop's HTTP
                                notifications here); accepted only from YOOKASSA_ALLOWED_IPS,
                                with X-Forwarded-For believed only from TRUSTED_PROXIES
  GET  /stats?days=N            the \`soulbot stats --json\` report; needs STATS_TOKEN and
                                \`Authorization: Bearer <STATS_TOKEN>\` (404 without STATS_TOKEN)
  GET  /metrics                 Prometheus metrics of the api process (Bearer STATS_TOKEN when
                                it is set)

Applies pending migrations first. Stops cleanly on SIGINT or SIGTERM.

Examples:
  soulbot api
  API_PORT=9090 ENV=test soulbot api

Exit codes: 0 stopped by a signal, 1 failure, 2 usage error.`;

export const command: Command = {
  name: "api",
  summary: "HTTP service: health and YooKassa payment notifications",
  help,
  async run(args, io) {
    const { values } = parseCommandArgs("api", args, {});
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    const metrics = createMetrics("api", { defaultMetrics: true });
    const { config, log } = await loadCliConfig(io, ["BOT_TOKEN"], metrics.observeLog);
    const stop = new AbortController();
    io.shutdown.then((sig) => stop.abort(sig));
    let db;
    try {
      db = meteredDb(await openDatabase(config.database, { log, signal: stop.signal }), metrics);
    } catch (err) {
      if (err instanceof Aborted) return EXIT_OK;
      throw err;
    }
    const flush = createFlusher(db, metrics, { log });
    const flusher = setInterval(() => flush.flush(), 60_000);
    try {
      const migrations = await loadMigrations();
      await migrate(db, migrations, log);
      const pseudonym = pseudonymiser(config.botToken);
      const payments = paymentsFromConfig(config, { db, log, pseudonym });
      if (!payments.available) log.warn("YooKassa is not configured: notifications are ignored");
      const app = createApi({
        db,
        log,
        migrations,
        payments,
        notify: createNotifier(db, telegramSender(config.botToken, config.telegramApiRoot)),
        allowed: ipMatcher(config.yookassa.allowedIps),
        trustedProxies: ipMatcher(config.yookassa.trustedProxies),
        metrics,
        statsToken: config.statsToken,
      });
      const server = Deno.serve({
        hostname: config.api.host,
        port: config.api.port,
        signal: stop.signal,
        onListen: ({ hostname, port }) => log.info(`✅ API listening on ${hostname}:${port}`),
      }, (req, info) => {
        const peer = info.remoteAddr.transport === "tcp" ? info.remoteAddr.hostname : undefined;
        return app.fetch(req, { remoteAddr: peer });
      });
      await server.finished;
      log.info(`Stopped by ${stop.signal.reason}`);
      return EXIT_OK;
    } finally {
      clearInterval(flusher);
      await flush.flush();
      await db.close().catch((err) => log.warn("Cannot close the database cleanly", { err }));
    }
  },
};
