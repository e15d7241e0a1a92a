// An incoming update as the inbox stores it, whoever received it (the poller in the bot, or the
// webhook on the api): a copy that can be stored and read (storableUpdate), the key of its chat
// as the dialog state has it (the chat id, else the sender's id — grammY's ctx.chat and ctx.from,
// read from the raw update without grammY), and which spam-limit count it falls in.

import { cleanText, cleanTextAndSpans, type Span } from "../text/clean.ts";
import type { InboxItem, LimitKind } from "./inbox.ts";

type Fields = Record<string, unknown>;

/**
 * A copy of `update` that can be stored and read: message texts and captions cleaned with their
 * entities moved (as the bot's cleanInput does), then every other string without control
 * characters and lone surrogates — PostgreSQL's jsonb refuses U+0000 and half characters
 * anywhere, and one such update must not stop the whole batch it came in.
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

/** A text field and its entities: a string without control characters, or not there at all. */
export function cleanBody(message: Fields, key: "text" | "caption", entitiesKey: string): void {
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

/** The update as the inbox keeps it (`update_id` a whole number, checked by the caller). */
export function inboxItem(update: { update_id: number }): InboxItem {
  const payload = storableUpdate(update);
  return {
    updateId: update.update_id,
    chatKey: updateChatKey(payload) ?? `update:${update.update_id}`,
    payload,
    limit: limitKind(payload),
  };
}

// grammY's ctx.msg, ctx.chat and ctx.from, in its order (grammy/out/context.js).
const MESSAGES = [
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_message",
  "edited_business_message",
  "guest_message",
];
const CHATS = [
  "deleted_business_messages",
  "stopped_message_generation",
  "message_reaction",
  "message_reaction_count",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "chat_boost",
  "removed_chat_boost",
];
const USERS = ["business_connection", "message_reaction", "managed_bot"];
const FROMS = [
  "inline_query",
  "chosen_inline_result",
  "shipping_query",
  "pre_checkout_query",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "purchased_paid_media",
];

/** The chat's id, else the sender's — as chatKey(ctx) in the bot says it; undefined if none. */
export function updateChatKey(update: object): string | undefined {
  const u = update as Fields;
  const msg = first(u, MESSAGES) ?? obj(obj(u.callback_query)?.message);
  const chat = obj((msg ?? first(u, CHATS))?.chat)?.id;
  if (chat !== undefined && chat !== null) return String(chat);
  const boost = obj(obj(u.chat_boost)?.boost) ?? obj(u.removed_chat_boost);
  const user = obj(
    (first(u, USERS) ?? obj(boost?.source) ?? obj(u.subscription))?.user,
  ) ??
    obj((obj(u.callback_query) ?? msg ?? first(u, FROMS))?.from);
  const id = user?.id;
  return id === undefined || id === null ? undefined : String(id);
}

/**
 * Which spam-limit count an update falls in: "words" (a person's own words in a private chat —
 * typed text, voice and video notes, audio, a caption), "command" (commands, stickers, bare
 * media), "tap" (a button pressed in a private chat), or undefined (not limited: other chats,
 * other kinds of update). Commands and taps share one count; words have their own.
 */
export function limitKind(update: object): LimitKind | undefined {
  const u = update as Fields;
  const query = obj(u.callback_query);
  if (query) return obj(obj(query.message)?.chat)?.type === "private" ? "tap" : undefined;
  const m = obj(u.message);
  if (!m || obj(m.chat)?.type !== "private") return undefined;
  if (typeof m.text === "string") return m.text.startsWith("/") ? "command" : "words";
  const words = ["voice", "video_note", "audio"].some((k) => m[k] !== undefined) ||
    typeof m.caption === "string";
  return words ? "words" : "command";
}

function first(u: Fields, keys: readonly string[]): Fields | undefined {
  for (const key of keys) {
    const value = obj(u[key]);
    if (value) return value;
  }
  return undefined;
}

function obj(value: unknown): Fields | undefined {
  return value !== null && typeof value === "object" ? value as Fields : undefined;
}

function cleanStrings(value: unknown): unknown {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanStrings);
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) (value as Fields)[k] = cleanStrings(v);
  }
  return value;
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
