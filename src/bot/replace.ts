// Putting new text into a message the bot showed before: edited in place, or — when Telegram no
// longer has it (deleted by the user, or too old to edit) — sent anew. Streamed answers, quiz
// results and the notices that replace an interrupted answer all finish in the message the user
// already saw this way.

import { type Api, GrammyError, type InlineKeyboard } from "grammy";
import type { Logger } from "../log.ts";

/** Telegram cannot edit this message any more: it was deleted, or it is too old. */
export function isGone(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 &&
    /message to edit not found|message can't be edited|MESSAGE_ID_INVALID/i.test(err.description);
}

/** The edit would change nothing (the same text and buttons). */
export function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.description.includes("message is not modified");
}

/**
 * Shows `html` in message `messageId`, or in a new message when there is none or it is gone;
 * returns the id of the message that shows it.
 */
export async function replaceText(
  api: Api,
  chatId: number,
  messageId: number | undefined,
  html: string,
  keyboard?: InlineKeyboard,
): Promise<number> {
  const options = { parse_mode: "HTML" as const, reply_markup: keyboard };
  if (messageId !== undefined) {
    try {
      await api.editMessageText(chatId, messageId, html, options);
      return messageId;
    } catch (err) {
      if (isNotModified(err)) return messageId;
      if (!isGone(err)) throw err;
    }
  }
  return (await api.sendMessage(chatId, html, options)).message_id;
}

/** Deletes messages no longer needed (parts of a longer answer that was cut off); best effort. */
export async function deleteMessages(
  api: Api,
  chatId: number,
  ids: readonly number[],
  log: Logger,
): Promise<void> {
  for (const id of ids) {
    await api.deleteMessage(chatId, id).catch((err) =>
      log.warn("Cannot delete a message of an interrupted answer", { err })
    );
  }
}
