// While the inbox cannot store what Telegram delivers — the database is down, or too slow — the
// poller leaves the batch unconfirmed, so Telegram keeps it and delivers it again until it is
// stored and then handled as usual (polling.ts). Meanwhile nobody is left wondering: a button
// press is answered at once with a toast, so its spinner stops (the press itself is still handled
// later; Telegram then refuses the handler's own answer, which callbacks.ts takes quietly), and a
// chat where someone wrote gets one notice per outage that the message is kept and will be
// answered. However often the batch is fetched again, each press and each chat is told once.

import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../log.ts";

/** The toast of a press that cannot be stored now (at most 200 characters). */
export const OUTAGE_TAP =
  "Сервис ненадолго недоступен. Нажатие не потеряется — я выполню его, как только смогу.";

/** The notice in a chat whose message cannot be stored now; `helpline`: a crisis line's number. */
export function outageMessage(helpline: string): string {
  return "Сервис ненадолго недоступен. Ваше сообщение не потеряется: я отвечу, как только смогу, " +
    "— отправлять его ещё раз не нужно.\n\nЕсли вам сейчас очень тяжело, позвоните " +
    `${helpline} (бесплатно) — там выслушают.`;
}

/** The notice in a chat whose message waited too long and was set aside (expiry.ts). */
export function expiredMessage(helpline: string): string {
  return "Простите, я так и не смог ответить на ваше сообщение: сервис был недоступен слишком " +
    "долго. Если это ещё важно для вас, напишите, пожалуйста, снова — я отвечу.\n\nЕсли вам " +
    `сейчас очень тяжело, позвоните ${helpline} (бесплатно) — там выслушают.`;
}

/** How long a batch may take to be stored before its presses are answered anyway. */
export const STORE_SLOW_MS = 3_000;

export interface OutageNotices {
  /** Storing the batch takes long: its presses are answered now. */
  slow(updates: readonly Update[]): Promise<void>;
  /** Storing the batch failed: its presses are answered and its chats told. */
  failed(updates: readonly Update[]): Promise<void>;
  /** The batch is stored: the outage, if there was one, is over. */
  stored(updates: readonly Update[]): void;
}

export function outageNotices(api: Api, log: Logger, helpline: string): OutageNotices {
  /** Presses answered (or being answered) and chats told during this outage. */
  const pressed = new Set<string>();
  const told = new Set<number>();
  let quiet = false;
  const warn = (err: unknown) => {
    if (!quiet) log.warn("Cannot tell a user the service is briefly unavailable", { err });
    quiet = true;
  };

  const answerPresses = async (updates: readonly Update[]) => {
    const presses = updates.flatMap((u) => u.callback_query ? [u.callback_query.id] : [])
      .filter((id) => !pressed.has(id));
    for (const id of presses) pressed.add(id);
    const sent = await Promise.all(
      presses.map((id) =>
        api.answerCallbackQuery(id, { text: OUTAGE_TAP }).then(() => true, (err) => {
          pressed.delete(id); // tried again with the next failure
          warn(err);
          return false;
        })
      ),
    );
    return sent.filter(Boolean).length;
  };

  return {
    async slow(updates) {
      const n = await answerPresses(updates);
      if (n > 0) log.info(`Storing updates is slow: answered ${n} button press(es) meanwhile`);
    },
    async failed(updates) {
      const chats = [
        ...new Set(
          updates.flatMap((u) => u.message?.chat.type === "private" ? [u.message.chat.id] : []),
        ),
      ].filter((id) => !told.has(id));
      for (const id of chats) told.add(id);
      const [presses, notices] = await Promise.all([
        answerPresses(updates),
        Promise.all(
          chats.map((id) =>
            api.sendMessage(id, outageMessage(helpline)).then(() => true, (err) => {
              told.delete(id);
              warn(err);
              return false;
            })
          ),
        ).then((sent) => sent.filter(Boolean).length),
      ]);
      if (presses + notices > 0) {
        log.info(
          `Told ${notices} chat(s) and ${presses} button press(es) the service is briefly unavailable`,
        );
      }
    },
    stored(updates) {
      for (const u of updates) if (u.callback_query) pressed.delete(u.callback_query.id);
      told.clear();
      quiet = false;
    },
  };
}
