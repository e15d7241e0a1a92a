// What the user sees about the subscription: the status with the plans, the payment screen with
// «💳 Оплатить подписку» (YooKassa's page), the outcome of a payment, the free-limit offer.
// Shared by the bot and the api (which tells users about payments YooKassa reported).

import { InlineKeyboard } from "grammy";
import type { Screen } from "../ui.ts";
import { ID, pattern } from "../callback_ids.ts";
import { BACK_TO_MENU, BACK_TO_PROFILE, MENU, PROFILE } from "../nav.ts";
import { formatDate } from "../../text/dates.ts";
import { monthsText, type Plan, roubles } from "../../payments/plans.ts";
import type { PaymentRow } from "../../payments/store.ts";
import { plural } from "../../text/plural.ts";

export const PAY = {
  plan: (months: number) => `pay:plan:${months}`,
  check: (id: number) => `pay:check:${id}`,
  cancel: (id: number) => `pay:cancel:${id}`,
  /** From the free-limit offer: the plans. */
  offer: "pay:offer",
  /** Parsers of the data built above. */
  match: {
    plan: pattern`pay:plan:${ID}`,
    check: pattern`pay:check:${ID}`,
    cancel: pattern`pay:cancel:${ID}`,
  },
} as const;
/** «Ответить на сохранённое сообщение» after paying: the message held at the free limit. */
export const HELD = Object.assign((id: number) => `chat:held:${id}`, {
  match: pattern`chat:held:${ID}`,
});
export const PAY_BUTTON = "💳 Оплатить подписку";

export function untilText(until: Date): string {
  return formatDate(until);
}

export function isSubscribed(until: Date | null | undefined, now: Date): boolean {
  return !!until && until.getTime() > now.getTime();
}

export interface SubscriptionView {
  until: Date | null;
  now: Date;
  freeLimit: number;
  usedToday: number;
  plans: readonly Plan[];
  available: boolean;
  back: "menu" | "profile";
}

export function subscriptionScreen(v: SubscriptionView): Screen {
  const left = Math.max(0, v.freeLimit - v.usedToday);
  const status = isSubscribed(v.until, v.now)
    ? `✅ Подписка активна до ${untilText(v.until!)}. Можно продлить заранее — новый срок ` +
      "добавится к текущему."
    : `Сейчас у вас бесплатный доступ: ${
      plural(v.freeLimit, ["сообщение", "сообщения", "сообщений"])
    } в день в разделах «Поговорить» ` +
      `и «Разобрать сон» (сегодня осталось ${left}).`;
  const keyboard = new InlineKeyboard();
  let text = `💳 <b>Подписка</b>\n\n${status}\n\n`;
  if (v.available) {
    text += "С подпиской сообщений сколько угодно. Выберите срок:";
    for (const p of v.plans) {
      keyboard.text(`${monthsText(p.months)} — ${roubles(p.price)}`, PAY.plan(p.months)).row();
    }
  } else {
    text += "Оплата сейчас недоступна — загляните сюда чуть позже.";
  }
  if (v.back === "profile") keyboard.text(BACK_TO_PROFILE, PROFILE.show);
  else keyboard.text(BACK_TO_MENU, MENU.main);
  return { text, keyboard };
}

export function paymentScreen(p: PaymentRow): Screen {
  return {
    text: `💳 <b>Оплата подписки</b>\n\nСрок: ${monthsText(p.months)}\n` +
      `Сумма: ${roubles(Number(p.amount))}\n\n` +
      "Нажмите «Оплатить подписку» — откроется защищённая страница ЮKassa. После оплаты я " +
      "пришлю подтверждение; если его нет, нажмите «Проверить оплату».",
    keyboard: new InlineKeyboard().url(PAY_BUTTON, p.confirmation_url!).row()
      .text("🔄 Проверить оплату", PAY.check(p.id)).row()
      .text("✖️ Отменить", PAY.cancel(p.id)),
  };
}

export function successScreen(until: Date, heldId?: number): Screen {
  const keyboard = new InlineKeyboard();
  if (heldId) keyboard.text("💬 Ответить на сохранённое сообщение", HELD(heldId)).row();
  keyboard.text(BACK_TO_MENU, MENU.main);
  return {
    text: `✅ <b>Оплата прошла!</b>\n\nПодписка активна до ${untilText(until)}. ` +
      "Спасибо, что вы с нами 💛" +
      (heldId ? "\n\nЯ сохранил ваше последнее сообщение — могу ответить на него сейчас." : ""),
    keyboard,
  };
}

export const CANCELED_SCREEN: Screen = {
  text: "Оплата отменена — деньги не списаны. Если захотите, попробуйте ещё раз.",
  keyboard: new InlineKeyboard().text("💳 Выбрать срок", MENU.subscription)
    .text(BACK_TO_MENU, MENU.main),
};

export const TOASTS = {
  pending: "Оплата ещё не поступила. Если вы уже оплатили, подождите минуту и проверьте снова.",
  unavailable: "ЮKassa сейчас не отвечает. Попробуйте проверить через минуту.",
  mismatch: "Не получилось сверить платёж. Если деньги списались, напишите нам — разберёмся.",
  closed: "Этот платёж уже закрыт",
  abandoned: "Платёж отменён",
  canceled: "Оплата отменена, деньги не списаны",
  off: "Оплата сейчас недоступна",
  failed: "Не получилось создать платёж: ЮKassa не отвечает. Попробуйте чуть позже.",
} as const;

export function limitScreen(limit: number): Screen {
  return {
    text: `На сегодня бесплатные сообщения закончились (${limit} из ${limit}). Я сохранил ваше ` +
      "сообщение: оформите подписку — и я сразу на него отвечу. Или возвращайтесь завтра: " +
      "лимит обновится в полночь по Москве.",
    keyboard: new InlineKeyboard().text(PAY_BUTTON, PAY.offer).row()
      .text(BACK_TO_MENU, MENU.main),
  };
}

export function freeLeftText(left: number, limit: number): string {
  return `ℹ️ Бесплатных сообщений на сегодня осталось: ${left} из ${limit}.`;
}
