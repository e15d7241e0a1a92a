// /help and the menu's help button: what the bot is, what it is not, the commands, and where to
// turn in an emergency. Works before consent too.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack, type Screen, show } from "../ui.ts";
import { BACK_TO_MENU, MENU } from "../nav.ts";
import { type Helplines, helpList } from "../../safety/helplines.ts";

/** What help uses. */
export type HelpDeps = Pick<BotServices, "helplines">;

export function helpText(h: Helplines): string {
  return "❓ <b>Помощь</b>\n\n" +
    "SoulNear — ИИ-собеседник для самоанализа и рефлексии. Я не психолог и не врач, " +
    "а мои ответы — не диагноз и не лечение.\n\n" +
    "/menu — главное меню\n" +
    "/helper — поговорить о том, что волнует\n" +
    "/soulsleep — разобрать сон\n" +
    "/quiz — психологические квизы\n" +
    "/profile — ваш профиль\n" +
    "/my_profile — психологический профиль\n" +
    "/settings — стиль моих ответов\n" +
    "/deletecontext — забыть текущий разговор\n" +
    "/subscription — подписка\n" +
    "/sos — если тяжело прямо сейчас: упражнения и телефоны помощи\n" +
    "/plan — ваш план безопасности на трудную минуту\n" +
    "/helplines — телефоны доверия и экстренной помощи\n" +
    "/export_my_data — скачать всё, что я о вас храню\n" +
    "/delete_me — удалить все ваши данные\n\n" +
    "<b>Что я храню и зачем.</b> Имя, возраст и пол (если вы их указали) — чтобы обращаться к " +
    "вам; переписку и ответы квизов — чтобы помнить контекст разговора и замечать " +
    "закономерности; настройки, план безопасности и платежи — чтобы всё работало. Для ответов " +
    "текст передаётся внешнему ИИ-сервису (OpenAI). Я не служба экстренной помощи.\n\n" +
    `Если вам сейчас очень тяжело или есть угроза жизни, позвоните:\n${helpList(h)}`;
}

export function helpScreen(h: Helplines): Screen {
  return { text: helpText(h), keyboard: new InlineKeyboard().text(BACK_TO_MENU, MENU.main) };
}

export function helpFeature(d: HelpDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("help", (ctx) => show(ctx, helpScreen(d.helplines), { fresh: true }));
  c.callbackQuery(MENU.help, async (ctx) => {
    await ack(ctx);
    await show(ctx, helpScreen(d.helplines));
  });
  return c;
}
