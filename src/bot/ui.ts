// Showing screens: a screen is HTML text with an inline keyboard. A button press edits the
// message it came from; a command or typed text sends a new message. Screens escape
// user-provided text with escapeHtml (format/escape.ts), re-exported here.

import { GrammyError, type InlineKeyboard } from "grammy";
import type { BotContext } from "./context.ts";

export { escapeHtml } from "./format/escape.ts";

export interface Screen {
  text: string;
  keyboard?: InlineKeyboard;
}

/** Shows a screen and returns the id of the message that shows it. */
export async function show(
  ctx: BotContext,
  screen: Screen,
  opts: { fresh?: boolean } = {},
): Promise<number> {
  const options = { parse_mode: "HTML" as const, reply_markup: screen.keyboard };
  const message = ctx.callbackQuery?.message;
  if (message && !opts.fresh) {
    try {
      await ctx.editMessageText(screen.text, options);
      return message.message_id;
    } catch (err) {
      // A double tap re-renders the same screen: nothing to change, nothing to send.
      if (isNotModified(err)) return message.message_id;
      // Too old to edit, or a media message: fall through and send the screen anew.
      if (!(err instanceof GrammyError && err.error_code === 400)) throw err;
    }
  }
  const sent = await ctx.reply(screen.text, options);
  return sent.message_id;
}

function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.description.includes("message is not modified");
}

/** Answers the button press (Telegram shows a spinner until then). */
export async function ack(ctx: BotContext, text?: string): Promise<void> {
  if (!ctx.callbackQuery) return;
  try {
    await ctx.answerCallbackQuery(text ? { text } : undefined);
  } catch (err) {
    // Answering too late (over ~15 s) fails; the user has moved on, nothing to do.
    ctx.log.warn("Cannot answer a callback query", { err });
  }
}
