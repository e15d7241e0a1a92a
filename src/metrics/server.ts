// The bot's own small HTTP listener on METRICS_PORT: GET /metrics (Prometheus text format) and
// GET /health (200 while the bot is up and its database answers, 503 otherwise) for the
// container's health check. Nothing else; it is meant for the internal network only.

import type { Logger } from "../log.ts";
import type { Metrics } from "./metrics.ts";

export interface MetricsServerOptions {
  hostname: string;
  port: number;
  metrics: Metrics;
  log: Logger;
  /** True when the process can do its work (database reachable, polling). */
  healthy: () => Promise<boolean>;
  signal?: AbortSignal;
}

export function metricsHandler(
  metrics: Metrics,
  healthy: () => Promise<boolean>,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const { pathname } = new URL(req.url);
    const route = pathname === "/metrics" || pathname === "/health" ? pathname : "unmatched";
    const end = metrics.httpRequests.startTimer({ route, method: req.method });
    let res: Response;
    if (req.method !== "GET") res = new Response("method not allowed\n", { status: 405 });
    else if (route === "/metrics") {
      res = new Response(await metrics.registry.metrics(), {
        headers: { "content-type": metrics.registry.contentType },
      });
    } else if (route === "/health") {
      const ok = await healthy().catch(() => false);
      res = Response.json({ status: ok ? "ok" : "unavailable" }, { status: ok ? 200 : 503 });
    } else res = new Response("not found\n", { status: 404 });
    end({ status: String(res.status) });
    return res;
  };
}

/**
 * Starts listening (port 0: not at all) until disposed; a port that cannot be bound is a
 * warning, not a reason to stop the bot.
 */
export function serveMetrics(opts: MetricsServerOptions): AsyncDisposable {
  const stop = new AbortController();
  opts.signal?.addEventListener("abort", () => stop.abort());
  let server: Deno.HttpServer | undefined;
  if (opts.port) {
    try {
      server = Deno.serve({
        hostname: opts.hostname,
        port: opts.port,
        signal: stop.signal,
        onListen: ({ hostname, port }) =>
          opts.log.info(`✅ Metrics on http://${hostname}:${port}/metrics`),
      }, metricsHandler(opts.metrics, opts.healthy));
    } catch (err) {
      opts.log.warn("Cannot serve metrics; the bot runs without them", { port: opts.port, err });
    }
  }
  return {
    async [Symbol.asyncDispose]() {
      stop.abort();
      await server?.finished;
    },
  };
}
