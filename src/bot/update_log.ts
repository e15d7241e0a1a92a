// First middleware: gives each update a child logger, logs one line per update (type, duration,
// outcome; never message text), times it in soulnear_update_duration_seconds and tracks updates
// in flight so shutdown can wait for them.

import type { MiddlewareFn } from "grammy";
import type { Logger } from "../log.ts";
import type { BotContext } from "./context.ts";
import type { Metrics } from "../metrics/metrics.ts";

export interface InFlight {
  readonly size: number;
  /** Resolves when no update is being handled, or after `timeoutMs`; true if drained. */
  drain(timeoutMs: number): Promise<boolean>;
}

export function updateLogger(
  log: Logger,
  metrics: Metrics,
): { middleware: MiddlewareFn<BotContext>; inFlight: InFlight } {
  const running = new Set<Promise<unknown>>();
  const middleware: MiddlewareFn<BotContext> = async (ctx, next) => {
    ctx.log = log.child({ update_id: ctx.update.update_id });
    const type = updateType(ctx.update);
    const started = performance.now();
    const work = next();
    running.add(work);
    let outcome = "ok";
    try {
      await work;
    } catch (err) {
      outcome = "error";
      throw err;
    } finally {
      running.delete(work);
      const ms = performance.now() - started;
      metrics.updates.observe({ type, outcome }, ms / 1000);
      ctx.log.info("update handled", { type, ms: Math.round(ms), outcome });
    }
  };
  const inFlight: InFlight = {
    get size() {
      return running.size;
    },
    async drain(timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<false>((r) => timer = setTimeout(() => r(false), timeoutMs));
      const all = Promise.allSettled([...running]).then(() => true);
      try {
        return await Promise.race([all, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return { middleware, inFlight };
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
