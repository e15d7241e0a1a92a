// The api service as a Hono app (createApi(deps)), tested in-process with app.request():
//   GET  /health                  database reachable, migrations current, version (503 otherwise)
//   POST /yookassa/notifications  YooKassa's payment notifications, from allowed addresses only
//   GET  /stats?days=N            the `soulbot stats` report as JSON (Bearer STATS_TOKEN)
//   GET  /metrics                 this process's Prometheus metrics (Bearer STATS_TOKEN if set)
//   POST /telegram/<path secret>  Telegram's webhook, into the inbox (webhook.ts; with the secrets)
// One log line and one soulnear_http_request_duration_seconds observation per request, and a
// single error handler. The bearer token is checked by Hono's bearerAuth (constant time). A request
// body over MAX_BODY_BYTES is refused with 413 before any route reads it (hono/body-limit: by its
// Content-Length, or while it streams in).

import { type Context, Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import type { Migration } from "../db/migrate.ts";
import { migrationStatus } from "../db/migrate.ts";
import { clientAddress, type Matcher } from "../payments/ip_allowlist.ts";
import type { Payments } from "../payments/service.ts";
import type { Outcome } from "../payments/store.ts";
import { VERSION } from "../version.ts";
import type { Metrics } from "../metrics/metrics.ts";
import { buildReport } from "../stats/report.ts";
import { addWebhook, WEBHOOK_ROUTE, type WebhookDeps } from "./webhook.ts";

/** What the server passes along with each request (the direct peer's address). */
export interface ApiEnv {
  Bindings: { remoteAddr?: string };
}

export interface ApiDeps {
  db: Db;
  log: Logger;
  migrations: Migration[];
  payments: Payments;
  /** Tells the user what a notification changed (a Telegram message). */
  notify: (outcome: Outcome) => Promise<void>;
  allowed: Matcher;
  trustedProxies: Matcher;
  metrics: Metrics;
  /** Bearer token for /stats (off without it) and /metrics (open without it). */
  statsToken?: string;
  now?: () => Date;
  /** Telegram's webhook receiver (undefined: none, and /telegram/… is not found). */
  webhook?: Pick<WebhookDeps, "pathSecret" | "secretToken">;
}

const ROUTES = new Set(["/health", "/yookassa/notifications", "/stats", "/metrics"]);

/** The largest request body accepted: a YooKassa notification is about 1–2 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;
/** The largest update the webhook accepts. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export function createApi(deps: ApiDeps): Hono<ApiEnv> {
  const { db, log } = deps;
  const now = deps.now ?? (() => new Date());
  const app = new Hono<ApiEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    // The webhook's path holds a secret: it is never logged or used as a label.
    const webhook = deps.webhook !== undefined && c.req.path.startsWith("/telegram/");
    const path = webhook ? WEBHOOK_ROUTE : c.req.path;
    const route = ROUTES.has(path) || webhook ? path : "unmatched";
    deps.metrics.httpRequests.observe(
      { route, method: c.req.method, status: String(c.res.status) },
      seconds,
    );
    const fields = {
      method: c.req.method,
      path,
      status: c.res.status,
      ms: Math.round(seconds * 1000),
    };
    // Every request, health probes and scrapes too (README): one line each.
    if (c.res.status >= 500) log.warn("api request failed", fields);
    else log.info("api request", fields);
  });

  // Telegram's updates can be larger than a notification (a long message with its reply, entities
  // and a quote): the webhook takes up to 1 MiB, everything else 64 KiB.
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) => {
        log.warn("Refused a request body over the limit", {
          method: c.req.method,
          path: c.req.path.startsWith("/telegram/") ? WEBHOOK_ROUTE : c.req.path,
          limit: maxSize,
        });
        return c.json({ error: "payload too large" }, 413);
      },
    });
  const small = limit(MAX_BODY_BYTES);
  const large = limit(MAX_WEBHOOK_BODY_BYTES);
  app.use((c, next) => (c.req.path.startsWith("/telegram/") ? large : small)(c, next));

  app.onError((err, c) => {
    // A refusal thrown by middleware (bearerAuth's 401) is an answer, not an error.
    if (err instanceof HTTPException) return err.getResponse();
    const path = c.req.path.startsWith("/telegram/") ? WEBHOOK_ROUTE : c.req.path;
    log.error("api error", { method: c.req.method, path, err });
    return c.json({ error: "internal error" }, 500);
  });
  app.notFound((c) => c.json({ error: "not found" }, 404));

  if (deps.statsToken) {
    // No header, a malformed one and a wrong token all get the same 401.
    const refuse = { message: unauthorized };
    const auth = bearerAuth({
      token: deps.statsToken,
      noAuthenticationHeader: refuse,
      invalidAuthenticationHeader: refuse,
      invalidToken: refuse,
    });
    app.use("/stats", auth);
    app.use("/metrics", auth);
  }

  if (deps.webhook) addWebhook(app, { db, log, ...deps.webhook });

  app.get("/health", async (c) => {
    let database = "ok";
    let migrations = "current";
    try {
      const states = await migrationStatus(db, deps.migrations);
      const behind = states.filter((s) => s.state !== "applied");
      if (behind.length) migrations = `${behind.length} not applied`;
    } catch (err) {
      log.warn("Health check: database unavailable", { err });
      database = "unreachable";
      migrations = "unknown";
    }
    const ok = database === "ok" && migrations === "current";
    return c.json(
      { status: ok ? "ok" : "unavailable", database, migrations, version: VERSION },
      ok ? 200 : 503,
    );
  });

  app.post("/yookassa/notifications", async (c) => {
    const from = clientAddress(
      c.env?.remoteAddr,
      c.req.header("x-forwarded-for"),
      deps.trustedProxies,
    );
    if (!deps.allowed(from)) {
      log.warn("Refused a notification from an address not on the allowlist", { from });
      return c.json({ error: "forbidden" }, 403);
    }
    const body = await c.req.json().catch(() => undefined);
    const { result, outcome } = await deps.payments.notification(body, now());
    if (result === "retry") return c.json({ status: "retry later" }, 503);
    if (outcome && (outcome.kind === "succeeded" || outcome.kind === "canceled")) {
      // The payment is applied; a user we cannot reach (blocked the bot) changes nothing.
      await deps.notify(outcome).catch((err) =>
        log.warn("Cannot tell the user about their payment", { err })
      );
    }
    return c.json({ status: result });
  });

  app.get("/metrics", async (c) => {
    return c.body(await deps.metrics.registry.metrics(), 200, {
      "content-type": deps.metrics.registry.contentType,
    });
  });

  app.get("/stats", async (c) => {
    if (!deps.statsToken) return c.json({ error: "not found" }, 404);
    const raw = c.req.query("days") ?? "7";
    const days = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(days >= 1 && days <= 366)) {
      return c.json({ error: "days must be a whole number from 1 to 366" }, 400);
    }
    return c.json(await buildReport(db, { days, now: now() }));
  });

  return app;
}

function unauthorized(c: Context) {
  return c.json({ error: "unauthorized" }, 401, { "www-authenticate": 'Bearer realm="soulnear"' });
}
