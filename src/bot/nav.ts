// Navigation every feature shares: the menu's and the profile's callback data, the back buttons,
// the main menu screen, ending a flow and the notice for a button that no longer counts.
// Menus are stateless; only flows keep dialog state.

import { InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "./context.ts";
import { type Screen, show } from "./ui.ts";

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

export const PROFILE = {
  show: "profile:show",
  edit: "profile:edit",
  psychological: "profile:psy",
  settings: "profile:settings",
  subscription: "profile:sub",
} as const;

export const BACK_TO_MENU = "⬅️ В меню";
export const BACK_TO_PROFILE = "⬅️ К профилю";
export const STALE_BUTTON = "Эта кнопка устарела — вот актуальное меню.";

/** What counting a screen in the day's statistics needs. */
export type Clocked = Pick<BotServices, "db" | "now" | "tally">;

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

export async function showMenu(
  ctx: BotContext,
  deps: Clocked,
  opts: { fresh?: boolean; greeting?: string } = {},
) {
  endFlow(ctx);
  await show(ctx, menuScreen(opts.greeting), opts);
  deps.tally.count("menu", deps.now());
}
