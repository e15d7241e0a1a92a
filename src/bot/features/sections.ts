// Sections that later work fills in (subscription): each answers its
// command and menu button with a short card and a way back, so nothing is a dead end.
// Opening a section ends the current flow, as any navigation does.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.ts";
import { ack, type Screen, show } from "../ui.ts";
import { BACK_TO_MENU, endFlow, MENU } from "./menu.ts";
import { BACK_TO_PROFILE, PROFILE } from "./profile.ts";

type Back = "menu" | "profile";

function backKeyboard(back: Back): InlineKeyboard {
  return back === "menu"
    ? new InlineKeyboard().text(BACK_TO_MENU, MENU.main)
    : new InlineKeyboard().text(BACK_TO_PROFILE, PROFILE.show);
}

function subscriptionScreen(back: Back): Screen {
  return {
    text: "💳 <b>Подписка</b>\n\nСейчас у вас бесплатный доступ. " +
      "Оформить подписку можно будет здесь совсем скоро.",
    keyboard: backKeyboard(back),
  };
}

export function sectionsFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const open = (screen: (ctx: BotContext) => Screen) => async (ctx: BotContext) => {
    endFlow(ctx);
    await ack(ctx);
    await show(ctx, screen(ctx), { fresh: !ctx.callbackQuery });
  };
  c.callbackQuery(MENU.subscription, open(() => subscriptionScreen("menu")));
  c.callbackQuery(PROFILE.subscription, open(() => subscriptionScreen("profile")));
  return c;
}
