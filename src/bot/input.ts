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
// What the inbox stores was made storable already (storableUpdate, src/inbox/incoming.ts).

import type { MiddlewareFn } from "grammy";
import type { BotContext } from "./context.ts";
import { cleanText } from "../text/clean.ts";
import { cleanBody } from "../inbox/incoming.ts";

type Fields = Record<string, unknown>;

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

function cleanPerson(person: Fields): void {
  for (const key of ["first_name", "last_name", "username", "language_code"]) {
    const value = person[key];
    if (value === undefined) continue;
    if (typeof value === "string") person[key] = cleanText(value);
    else if (key === "first_name") person[key] = "";
    else delete person[key];
  }
}
