// Sections that later work fills in (assistants, quizzes, style settings, subscription): each
// answers its command and menu button with a short card and a way back, so nothing is a dead
// end. Opening a section ends the current flow, as any navigation does.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.ts";
import { ack, type Screen, show } from "../ui.ts";
import { BACK_TO_MENU, endFlow, MENU } from "./menu.ts";
import { PROFILE } from "./profile.ts";
import { QUIZ_CATEGORIES, type QuizCategory } from "../../quiz/categories.ts";
import { DEFAULT_STYLE, describeStyle } from "../../style/style.ts";
import { isEnabled } from "../../flags.ts";

export const STYLE_UNAVAILABLE = "⚠️ Настройки стиля временно недоступны";
export const BACK_TO_PROFILE = "⬅️ К профилю";

type Back = "menu" | "profile";

function backKeyboard(back: Back): InlineKeyboard {
  return back === "menu"
    ? new InlineKeyboard().text(BACK_TO_MENU, MENU.main)
    : new InlineKeyboard().text(BACK_TO_PROFILE, PROFILE.show);
}

export function helperScreen(): Screen {
  return {
    text: "💬 <b>Поговорить</b>\n\nЗдесь можно будет спокойно обсудить то, что волнует: " +
      "я помогу разобраться в чувствах и заметить, что повторяется. Раздел скоро откроется.",
    keyboard: backKeyboard("menu"),
  };
}

export function soulsleepScreen(): Screen {
  return {
    text: "🌙 <b>Разобрать сон</b>\n\nЗдесь можно будет рассказать сон и вместе подумать, " +
      "о чём он может говорить в вашей жизни. Раздел скоро откроется.",
    keyboard: backKeyboard("menu"),
  };
}

export function quizListScreen(): Screen {
  const list = Object.values(QUIZ_CATEGORIES).map((q) => `• «${q.title}» — ${q.about}`).join("\n");
  return {
    text:
      `🧩 <b>Квизы</b>\n\nКороткие тесты о себе:\n${list}\n\nСкоро их можно будет пройти здесь.`,
    keyboard: backKeyboard("menu"),
  };
}

export function quizIntroScreen(category: QuizCategory): Screen {
  const q = QUIZ_CATEGORIES[category];
  return {
    text: `🧩 <b>Квиз «${q.title}»</b>\n\nКороткий тест о том, ${q.about}. ` +
      "Он скоро появится здесь — загляните в раздел «Квизы» чуть позже.",
    keyboard: backKeyboard("menu"),
  };
}

function settingsScreen(ctx: BotContext, back: Back): Screen {
  const on = isEnabled(
    ctx.services.flags.enableStyleSettings,
    "ENABLE_STYLE_SETTINGS",
    ctx.from?.id,
  );
  return {
    text: on
      ? `🎨 <b>Настройки стиля</b>\n\nСейчас: ${describeStyle(DEFAULT_STYLE)}.\n\n` +
        "Скоро здесь можно будет выбрать тон, роль и длину моих ответов."
      : STYLE_UNAVAILABLE,
    keyboard: backKeyboard(back),
  };
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
  c.command("helper", open(helperScreen));
  c.command("soulsleep", open(soulsleepScreen));
  c.command("quiz", open(quizListScreen));
  c.command("settings", open((ctx) => settingsScreen(ctx, "menu")));
  c.callbackQuery(MENU.helper, open(helperScreen));
  c.callbackQuery(MENU.soulsleep, open(soulsleepScreen));
  c.callbackQuery(MENU.quiz, open(quizListScreen));
  c.callbackQuery(MENU.settings, open((ctx) => settingsScreen(ctx, "menu")));
  c.callbackQuery(MENU.subscription, open(() => subscriptionScreen("menu")));
  c.callbackQuery(PROFILE.settings, open((ctx) => settingsScreen(ctx, "profile")));
  c.callbackQuery(PROFILE.subscription, open(() => subscriptionScreen("profile")));
  c.command("deletecontext", async (ctx) => {
    endFlow(ctx);
    await show(ctx, {
      text: "Истории разговоров с ассистентами пока нет — удалять нечего.",
      keyboard: backKeyboard("menu"),
    }, { fresh: true });
  });
  return c;
}
