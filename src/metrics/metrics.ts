// The technical metrics of one process (bot or api) in a prom-client registry of its own:
// created by createMetrics() and passed to whatever records into it — nothing is registered at
// import time. Names follow Prometheus conventions: a `soulnear_` prefix, base units (seconds),
// `_total` on counters. Process and runtime metrics keep their standard unprefixed names.

import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import type { LogLevel } from "../log.ts";

export type Service = "bot" | "api";

/** Seconds: from a cached Telegram screen (ms) to a long model answer (a minute). */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60];
const DB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface Metrics {
  readonly service: Service;
  readonly registry: Registry;
  /** Handling one Telegram update, by update type and outcome (ok, error). */
  readonly updates: Histogram<"type" | "outcome">;
  /** A model answer: time until the user saw the first text, and until it was complete. */
  readonly answerFirstText: Histogram<"assistant">;
  readonly answerTotal: Histogram<"assistant">;
  /** Database statements by operation (select, insert, ...) and outcome (ok, error). */
  readonly dbQueries: Histogram<"operation" | "outcome">;
  /**
   * Database transactions by outcome (commit, rollback): each costs a BEGIN and a COMMIT or
   * ROLLBACK beyond its statements, so round trips = statements + 2 × transactions.
   */
  readonly dbTransactions: Counter<"outcome">;
  /** Log lines at warn and error level, by level and kind (the message without its details). */
  readonly logEvents: Counter<"level" | "kind">;
  /** Bot API calls by method and outcome (ok, error, rate_limited, network). */
  readonly telegramRequests: Counter<"method" | "outcome">;
  /** OpenAI calls by model, operation (chat, embedding, moderation) and outcome. */
  readonly openaiRequests: Counter<"model" | "operation" | "outcome">;
  readonly openaiDuration: Histogram<"model" | "operation">;
  readonly openaiTokens: Counter<"model" | "type">;
  readonly openaiCost: Counter<"model">;
  /** HTTP requests served (api and the bot's metrics port), by route, method and status. */
  readonly httpRequests: Histogram<"route" | "method" | "status">;
  /** Counts a log line; give it to the logger (LoggerOptions.observe). */
  observeLog(level: LogLevel, msg: string): void;
}

export interface MetricsOptions {
  /** Process CPU, memory, event loop lag and the like (real processes; tests leave them off). */
  defaultMetrics?: boolean;
}

export function createMetrics(service: Service, opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const logEvents = new Counter({
    name: "soulnear_log_events_total",
    help: "Log lines at warn level or above, by level and kind",
    labelNames: ["level", "kind"] as const,
    registers,
  });
  return {
    service,
    registry,
    updates: new Histogram({
      name: "soulnear_update_duration_seconds",
      help: "Time to handle one Telegram update, by update type and outcome",
      labelNames: ["type", "outcome"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    answerFirstText: new Histogram({
      name: "soulnear_answer_first_text_seconds",
      help: "Time from the user's message until the first text of the answer was visible",
      labelNames: ["assistant"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    answerTotal: new Histogram({
      name: "soulnear_answer_duration_seconds",
      help: "Time from the user's message until the answer was complete",
      labelNames: ["assistant"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    dbQueries: new Histogram({
      name: "soulnear_db_query_duration_seconds",
      help: "Database statements: duration by operation and outcome (the count gives queries)",
      labelNames: ["operation", "outcome"] as const,
      buckets: DB_BUCKETS,
      registers,
    }),
    dbTransactions: new Counter({
      name: "soulnear_db_transactions_total",
      help: "Database transactions by outcome (commit, rollback); each adds BEGIN and its end",
      labelNames: ["outcome"] as const,
      registers,
    }),
    logEvents,
    telegramRequests: new Counter({
      name: "soulnear_telegram_requests_total",
      help: "Telegram Bot API calls by method and outcome (rate_limited: a 429 answer)",
      labelNames: ["method", "outcome"] as const,
      registers,
    }),
    openaiRequests: new Counter({
      name: "soulnear_openai_requests_total",
      help: "OpenAI API calls by model, operation and outcome",
      labelNames: ["model", "operation", "outcome"] as const,
      registers,
    }),
    openaiDuration: new Histogram({
      name: "soulnear_openai_request_duration_seconds",
      help: "OpenAI API call duration by model and operation",
      labelNames: ["model", "operation"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    openaiTokens: new Counter({
      name: "soulnear_openai_tokens_total",
      help: "OpenAI tokens by model and type (input, output)",
      labelNames: ["model", "type"] as const,
      registers,
    }),
    openaiCost: new Counter({
      name: "soulnear_openai_cost_usd_total",
      help: "OpenAI cost in US dollars by model, from OPENAI_PRICES",
      labelNames: ["model"] as const,
      registers,
    }),
    httpRequests: new Histogram({
      name: "soulnear_http_request_duration_seconds",
      help: "HTTP requests served, by route, method and status",
      labelNames: ["route", "method", "status"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    observeLog(level, msg) {
      if (level === "warn" || level === "error") logEvents.inc({ level, kind: logKind(msg) });
    },
  };
}

/**
 * A log message as a label of bounded variety: the part before any details (a colon or a
 * parenthesis), numbers replaced by N. "Telegram not reachable (attempt 3): ..." → "Telegram not
 * reachable"; "Telegram getUpdates failed 4×: ..." → "Telegram getUpdates failed N×".
 */
export function logKind(msg: string): string {
  const head = msg.split(/[:(;]/, 1)[0] ?? msg;
  return head.replace(/\d+/g, "N").trim().slice(0, 80) || "other";
}
