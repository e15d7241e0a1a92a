// /profile: the user's card (name, age, gender, since when, subscription, style, activity) with
// ways to edit the personal info, open style settings, the psychological profile and the
// subscription (the psychological profile itself is psy_profile.ts).

import { formatDate } from "../../text/dates.ts";
import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.ts";
import { ack, escapeHtml, type Screen, show } from "../ui.ts";
import { BACK_TO_MENU, endFlow, MENU } from "./menu.ts";
import { GENDER_NAMES, usageCounts, type UserRecord } from "../../users/users.ts";
import { describeStyle, type Style } from "../../style/style.ts";
import { getStyle } from "../../style/settings.ts";
import { countDaily, statDate } from "../../stats/daily.ts";
import { QUIZ_CATEGORIES, type QuizCategory } from "../../quiz/categories.ts";
import { completedQuizzes } from "../../quiz/sessions.ts";
import { isSubscribed, untilText } from "./subscription_screens.ts";

export const PROFILE = {
  show: "profile:show",
  edit: "profile:edit",
  psychological: "profile:psy",
  settings: "profile:settings",
  subscription: "profile:sub",
} as const;

export const BACK_TO_PROFILE = "⬅️ К профилю";

export function profileScreen(
  user: UserRecord,
  style: Style,
  usage: { days: number; messages: number },
  quizzes: Array<{ category: QuizCategory; completed_at: Date }> = [],
  now: Date = new Date(),
): Screen {
  const name = escapeHtml(user.display_name ?? user.first_name ?? "—");
  const text = [
    "👤 <b>Профиль</b>",
    "",
    `Имя: ${name}`,
    `Возраст: ${user.age ?? "не указан"}`,
    `Пол: ${user.gender ? GENDER_NAMES[user.gender] : "не указан"}`,
    `С нами с ${formatDate(user.created_at)}`,
    isSubscribed(user.subscription_until, now)
      ? `Подписка: активна до ${untilText(user.subscription_until!)}`
      : "Подписка: бесплатный доступ",
    `Стиль ответов: ${describeStyle(style)}`,
    `Активность: дней — ${usage.days}, сообщений — ${usage.messages}`,
    quizzes.length
      ? `Пройденные квизы: ${
        quizzes.map((q) => `«${QUIZ_CATEGORIES[q.category].title}» (${formatDate(q.completed_at)})`)
          .join(", ")
      }`
      : "Пройденные квизы: пока нет",
  ].join("\n");
  const keyboard = new InlineKeyboard()
    .text("✏️ Изменить данные", PROFILE.edit).text("🎨 Настройки стиля", PROFILE.settings).row()
    .text("🧠 Психологический профиль", PROFILE.psychological).row()
    .text("💳 Подписка", PROFILE.subscription).text(BACK_TO_MENU, MENU.main);
  return { text, keyboard };
}

export async function showProfile(ctx: BotContext, opts: { fresh?: boolean } = {}) {
  endFlow(ctx);
  const { db, now } = ctx.services;
  const style = await getStyle(db, ctx.user.id);
  const usage = await usageCounts(db, ctx.user.id);
  const quizzes = await completedQuizzes(db, ctx.user.id);
  await show(ctx, profileScreen(ctx.user, style, usage, quizzes, now()), opts);
  await countDaily(db, statDate(now()), "profile");
}

export function profileFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("profile", (ctx) => showProfile(ctx, { fresh: true }));
  for (const data of [MENU.profile, PROFILE.show]) {
    c.callbackQuery(data, async (ctx) => {
      await ack(ctx);
      await showProfile(ctx);
    });
  }
  return c;
}
