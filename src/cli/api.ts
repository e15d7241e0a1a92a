// `soulbot api`: the HTTP service (health, YooKassa notifications) on API_HOST:API_PORT.
// Applies pending migrations first (safe beside the bot: migrations take an advisory lock).
// SIGINT/SIGTERM finish requests in flight and close the database. Built by createApp.

import { createApp } from "../app.ts";
import { startHousekeeping } from "../ops/housekeeping.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { watchInbox } from "../metrics/inbox.ts";
import { AbortedError } from "../sleep.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { loadCliConfig } from "./setup.ts";

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
  POST /telegram/<secret>       Telegram's webhook, when WEBHOOK_PATH_SECRET and
                                WEBHOOK_SECRET_TOKEN are set: each update is stored in the inbox
                                and answered 200 at once; \`soulbot worker\` processes answer it
                                (\`soulbot webhook set\` points Telegram here)

Applies pending migrations first. Stops cleanly on SIGINT or SIGTERM.

Examples:
  soulbot api
  API_PORT=9090 ENV=test soulbot api

Exit codes: 0 stopped by a signal, 1 failure, 2 usage error.`;

export const command: Command = {
  name: "api",
  summary: "HTTP service: health, YooKassa notifications, Telegram's webhook",
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
    try {
      await using app = await createApp(config, { role: "api", log, metrics, signal: stop.signal });
      const { migrations } = await app.migrate();
      watchInbox(metrics, app.db);
      await using _housekeeping = await startHousekeeping({ db: app.db, log, metrics });
      if (!app.payments.available) {
        log.warn("YooKassa is not configured: notifications are ignored");
      }
      if (config.webhook.receiver) log.info("✅ Telegram webhook receiver on POST /telegram/***");
      const api = app.api(migrations);
      const server = Deno.serve({
        hostname: config.api.host,
        port: config.api.port,
        signal: stop.signal,
        onListen: ({ hostname, port }) => log.info(`✅ API listening on ${hostname}:${port}`),
      }, (req, info) => {
        const peer = info.remoteAddr.transport === "tcp" ? info.remoteAddr.hostname : undefined;
        return api.fetch(req, { remoteAddr: peer });
      });
      await server.finished;
      log.info(`Stopped by ${stop.signal.reason}`);
      return EXIT_OK;
    } catch (err) {
      if (err instanceof AbortedError) return EXIT_OK;
      throw err;
    }
  },
};
