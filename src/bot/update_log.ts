// First middleware: gives each update a child logger, logs one line per update (type, duration,
// outcome; never message text) and times it in soulnear_update_duration_seconds.

import type { MiddlewareFn } from "grammy";
import type { Logger } from "../log.ts";
import type { BotContext } from "./context.ts";
import type { Metrics } from "../metrics/metrics.ts";

export function updateLogger(
  log: Logger,
  metrics: Metrics,
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.log = log.child({ update_id: ctx.update.update_id });
    const type = updateType(ctx.update);
    const started = performance.now();
    let outcome = "ok";
    try {
      await next();
    } catch (err) {
      outcome = "error";
      throw err;
    } finally {
      const ms = performance.now() - started;
      metrics.updates.observe({ type, outcome }, ms / 1000);
      ctx.log.info("update handled", { type, ms: Math.round(ms), outcome });
    }
  };
}

/** "message:text", "message:command", "callback_query", ... */
export function updateType(update: object): string {
  const kind = Object.keys(update).find((k) => k !== "update_id") ?? "unknown";
  const msg = (update as Record<string, unknown>)[kind] as Record<string, unknown> | undefined;
  if (kind === "message" && msg) {
    if (typeof msg.text === "string") {
      return msg.text.startsWith("/") ? "message:command" : "message:text";
    }
    const sub = [
      "photo",
      "voice",
      "video",
      "document",
      "sticker",
      "audio",
      "video_note",
      "contact",
      "location",
    ]
      .find((k) => k in msg);
    return sub ? `message:${sub}` : "message:other";
  }
  return kind;
}
