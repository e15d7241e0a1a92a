// The main menu and navigation: /menu (and every "В меню" button) ends whatever flow the chat
// is in and shows the sections. Menus are stateless; only flows keep dialog state.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.ts";
import { ack, type Screen, show } from "../ui.ts";
import { countDaily, statDate } from "../../stats/daily.ts";

export const MENU = {
  main: "menu:main",
  helper: "menu:helper",
  soulsleep: "menu:soulsleep",
  quiz: "menu:quiz",
  profile: "menu:profile",
  settings: "menu:settings",
  subscription: "menu:sub",
  help: "menu:help",
} as const;

export const BACK_TO_MENU = "⬅️ В меню";

export function menuScreen(greeting?: string): Screen {
  const text = (greeting ? `${greeting}\n\n` : "") +
    "🏠 <b>Главное меню</b>\n\nВыберите, чем займёмся:";
  const keyboard = new InlineKeyboard()
    .text("💬 Поговорить", MENU.helper).text("🌙 Разобрать сон", MENU.soulsleep).row()
    .text("🧩 Квизы", MENU.quiz).text("👤 Профиль", MENU.profile).row()
    .text("🎨 Настройки стиля", MENU.settings).text("💳 Подписка", MENU.subscription).row()
    .text("❓ Помощь", MENU.help).text("🆘 Мне тяжело", "safety:sos");
  return { text, keyboard };
}

/** Ends the chat's current flow (onboarding, chat mode, quiz): its state is cleared. */
export function endFlow(ctx: BotContext): void {
  ctx.session = {};
}

export async function showMenu(ctx: BotContext, opts: { fresh?: boolean; greeting?: string } = {}) {
  endFlow(ctx);
  await show(ctx, menuScreen(opts.greeting), opts);
  await countDaily(ctx.services.db, statDate(ctx.services.now()), "menu");
}

export function menuFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("menu", (ctx) => showMenu(ctx, { fresh: true }));
  c.callbackQuery(MENU.main, async (ctx) => {
    await ack(ctx);
    await showMenu(ctx);
  });
  return c;
}
