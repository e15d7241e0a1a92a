// The user's card (name, age, gender, since when, subscription, style, activity) with ways to
// edit the personal info, open style settings, the psychological profile and the subscription.
// Shown by /profile and at the end of editing the personal info.

import { InlineKeyboard } from "grammy";
import type { BotContext } from "../context.ts";
import { escapeHtml, type Screen, show } from "../ui.ts";
import { BACK_TO_MENU, type Clocked, endFlow, MENU, PROFILE } from "../nav.ts";
import { formatDate } from "../../text/dates.ts";
import { GENDER_NAMES, usageCounts, type UserRecord } from "../../users/users.ts";
import { describeStyle, type Style } from "../../style/style.ts";
import { userStyle } from "../user.ts";
import { QUIZ_CATEGORIES, type QuizCategory } from "../../quiz/categories.ts";
import { completedQuizzes } from "../../quiz/sessions.ts";
import { isSubscribed, untilText } from "./subscription.ts";

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

export async function showProfile(
  ctx: BotContext,
  deps: Clocked,
  opts: { fresh?: boolean } = {},
) {
  endFlow(ctx);
  const { db, now } = deps;
  // The style came with the user's record; the other two reads at once: one round trip.
  const [style, usage, quizzes] = await Promise.all([
    userStyle(ctx, db),
    usageCounts(db, ctx.user.id, deps.tally.unwritten(ctx.user.id)),
    completedQuizzes(db, ctx.user.id),
  ]);
  await show(ctx, profileScreen(ctx.user, style, usage, quizzes, now()), opts);
  deps.tally.count("profile", now());
}
