// Telling a user what YooKassa reported about their payment, by a Telegram message: success
// (with a button to answer the message kept at the free limit, if any) or cancellation.

import { Api } from "grammy";
import type { Queryable } from "../db/db.ts";
import { latestHeld } from "../chat/history.ts";
import type { Outcome } from "../payments/store.ts";
import { CANCELED_SCREEN, successScreen } from "./screens/subscription.ts";

export type Send = (
  chatId: number,
  text: string,
  keyboard: unknown,
) => Promise<unknown>;

export function telegramSender(token: string, apiRoot: string): Send {
  const api = new Api(token, { apiRoot });
  return (chatId, text, keyboard) =>
    api.sendMessage(chatId, text, { parse_mode: "HTML", reply_markup: keyboard as never });
}

export function createNotifier(db: Queryable, send: Send) {
  return async (outcome: Outcome): Promise<void> => {
    if (outcome.kind === "succeeded") {
      const held = await latestHeld(db, outcome.userId);
      const screen = successScreen(outcome.until, held?.id);
      await send(outcome.userId, screen.text, screen.keyboard);
    } else if (outcome.kind === "canceled") {
      await send(outcome.userId, CANCELED_SCREEN.text, CANCELED_SCREEN.keyboard);
    }
  };
}
