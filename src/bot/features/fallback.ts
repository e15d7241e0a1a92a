// Last in the chain: a stale or unknown button gets a polite answer (every callback query is
// answered), and a message no feature took gets a hint instead of silence.

import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

export const STALE_BUTTON = "Эта кнопка устарела. Откройте /menu.";
export const UNKNOWN_MESSAGE =
  "Я пока не понимаю это сообщение. Откройте /menu, чтобы выбрать раздел.";

export function fallbackFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.on("callback_query", async (ctx) => {
    await ctx.answerCallbackQuery({ text: STALE_BUTTON });
  });
  c.on("message", async (ctx) => {
    if (ctx.chat.type !== "private") return;
    await ctx.reply(UNKNOWN_MESSAGE);
  });
  return c;
}
