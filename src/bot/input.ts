// Incoming text made safe before any feature reads it (right after privateOnly). Telegram sends
// what the Bot API promises, but a client, a proxy or a forged update may not:
//   - a message's text or caption that is not a string is dropped, entities with it: the message
//     is then one the bot cannot read, answered as media is ("only text, please");
//   - control characters and lone surrogates are stripped (src/text/clean.ts), entities moved to
//     match; a text or caption left empty is dropped, so the message, too, counts as media;
//   - entities that are not a list of spans are dropped (grammY's command matching reads them);
//   - callback data that is not a string is dropped: no handler matches, the fallback answers the
//     press as a stale button;
//   - the sender's names, stored with the user's record, are cleaned as text is.

import type { MiddlewareFn } from "grammy";
import type { BotContext } from "./context.ts";
import { cleanText, cleanTextAndSpans, type Span } from "../text/clean.ts";

type Fields = Record<string, unknown>;

/**
 * A copy of `update` that can be stored and read: message texts and captions cleaned with their
 * entities moved (as cleanInput does), then every other string without control characters and
 * lone surrogates — PostgreSQL's jsonb refuses U+0000 and half characters anywhere, and one such
 * update must not stop the whole batch it came in. The inbox stores this copy.
 */
export function storableUpdate<U extends object>(update: U): U {
  const copy = structuredClone(update) as Fields;
  for (const key of ["message", "edited_message", "channel_post", "edited_channel_post"]) {
    const message = copy[key];
    if (message && typeof message === "object") {
      cleanBody(message as Fields, "text", "entities");
      cleanBody(message as Fields, "caption", "caption_entities");
    }
  }
  return cleanStrings(copy) as U;
}

function cleanStrings(value: unknown): unknown {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanStrings);
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) (value as Fields)[k] = cleanStrings(v);
  }
  return value;
}

export const cleanInput: MiddlewareFn<BotContext> = async (ctx, next) => {
  const message = ctx.message as Fields | undefined;
  if (message) {
    cleanBody(message, "text", "entities");
    cleanBody(message, "caption", "caption_entities");
  }
  const query = ctx.callbackQuery as Fields | undefined;
  if (query && "data" in query && typeof query.data !== "string") delete query.data;
  if (ctx.from) cleanPerson(ctx.from as unknown as Fields);
  await next();
};

/** A text field and its entities: a string without control characters, or not there at all. */
function cleanBody(message: Fields, key: "text" | "caption", entitiesKey: string): void {
  if (!(key in message) && !(entitiesKey in message)) return;
  const value = message[key];
  const entities = spans(message[entitiesKey]);
  const clean = typeof value === "string" ? cleanTextAndSpans(value, entities) : undefined;
  delete message[key];
  delete message[entitiesKey];
  if (!clean?.text) return;
  message[key] = clean.text;
  if (clean.spans.length > 0) message[entitiesKey] = clean.spans;
}

/** The entities that are spans as the Bot API describes them; anything else is left out. */
function spans(value: unknown): Span[] {
  if (!Array.isArray(value)) return [];
  return value.filter((e): e is Span =>
    !!e && typeof e === "object" && typeof e.type === "string" &&
    Number.isSafeInteger(e.offset) && Number.isSafeInteger(e.length) && e.offset >= 0 &&
    e.length > 0
  );
}

function cleanPerson(person: Fields): void {
  for (const key of ["first_name", "last_name", "username", "language_code"]) {
    const value = person[key];
    if (value === undefined) continue;
    if (typeof value === "string") person[key] = cleanText(value);
    else if (key === "first_name") person[key] = "";
    else delete person[key];
  }
}
