// `bot --record FILE`: appends every incoming update to a JSON-lines file, scrubbed of ids, names,
// phone numbers, file ids and anything shaped like a token, so that a manual chat with the test
// bot can become a replayable scenario in fixtures/scenarios/.

import type { MiddlewareFn } from "grammy";
import type { BotContext } from "./context.ts";

const ID_KEYS = new Set(["id", "user_id", "chat_id", "sender_chat_id"]);
const NAME_KEYS = new Set(["first_name", "last_name", "title"]);
const TOKEN_RE = /\b\d{6,}:[A-Za-z0-9_-]{30,}\b/g;
const BASE_DATE = 1_700_000_000;

/** Stateful scrubber: the same real id always maps to the same fake id within one recording. */
export function createScrubber(): (update: unknown) => unknown {
  const ids = new Map<number, number>();
  const names = new Map<string, string>();
  let updates = 0;
  let firstDate: number | undefined;
  const fakeId = (id: number) => {
    if (!ids.has(id)) ids.set(id, (ids.size + 1) * 1000 + 1);
    const fake = ids.get(id)!;
    return id < 0 ? -1_000_000_000_000 - fake : 100_000_000 + fake;
  };
  const fakeName = (key: string, value: string) => {
    if (!names.has(value)) {
      names.set(value, `${key === "title" ? "Chat" : "User"}${names.size + 1}`);
    }
    return names.get(value)!;
  };
  const walk = (value: unknown, key = ""): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, k);
      return out;
    }
    if (typeof value === "number" && ID_KEYS.has(key)) return fakeId(value);
    if (typeof value === "number" && key === "date") {
      firstDate ??= value;
      return BASE_DATE + (value - firstDate);
    }
    if (typeof value === "string") {
      if (NAME_KEYS.has(key)) return fakeName(key, value);
      if (key === "username") return fakeName(key, value).toLowerCase();
      if (key === "phone_number") return "+70000000000";
      if (key === "file_id" || key === "file_unique_id") return "file";
      return value.replace(TOKEN_RE, "[token]");
    }
    return value;
  };
  return (update) => {
    const scrubbed = walk(update) as Record<string, unknown>;
    scrubbed.update_id = ++updates;
    return scrubbed;
  };
}

export function recordUpdates(path: string): MiddlewareFn<BotContext> {
  const scrub = createScrubber();
  return async (ctx, next) => {
    try {
      await Deno.writeTextFile(path, JSON.stringify(scrub(ctx.update)) + "\n", { append: true });
    } catch (err) {
      ctx.log.warn("Cannot record update", { path, err });
    }
    await next();
  };
}
