// What the quizzes show: the list of categories, a quiz's intro (start or resume), a question
// with its progress and answer buttons, and the result card.

import { InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { escapeHtml, type Screen, show } from "../ui.ts";
import { BACK_TO_MENU, endFlow, MENU } from "../nav.ts";
import { ID, pattern } from "../callback_ids.ts";
import { QUIZ_CATEGORIES, type QuizCategory } from "../../quiz/categories.ts";
import type { Question, QuizBank } from "../../quiz/content.ts";
import { activeSession, type QuizSession } from "../../quiz/sessions.ts";

export const QUIZ = {
  list: "quiz:list",
  intro: (c: QuizCategory) => `quiz:intro:${c}`,
  start: (c: QuizCategory) => `quiz:start:${c}`,
  resume: (c: QuizCategory) => `quiz:resume:${c}`,
  pause: "quiz:pause",
  answer: (session: number, position: number, value: string) =>
    `quiz:a:${session}:${position}:${value}`,
  /** Parsers of the data built above. */
  match: {
    category: /^quiz:(intro|start|resume):(\w+)$/,
    answer: pattern`quiz:a:${ID}:${ID}:(\w+)`,
  },
} as const;

type QuizBanks = Pick<BotServices, "db" | "quizzes">;

export function bankOf(d: Pick<BotServices, "quizzes">, category: QuizCategory): QuizBank {
  return d.quizzes.get(category)!;
}

/** A quiz's intro with Start (or Resume / Start over); the deep link and the list lead here. */
export async function showQuizIntro(
  ctx: BotContext,
  d: QuizBanks,
  category: QuizCategory,
  opts: { fresh?: boolean; lead?: string } = {},
) {
  endFlow(ctx);
  const active = await activeSession(d.db, ctx.user.id, category);
  await show(ctx, introScreen(bankOf(d, category), active, opts.lead), opts);
}

const ICONS: Record<QuizCategory, string> = {
  relationships: "💞",
  money: "💰",
  confidence: "🦁",
  fears: "🌫",
};

export const SCALE_LEGEND = "1 — совсем не про меня, 5 — точно про меня";

export function listScreen(active: QuizCategory[]): Screen {
  const kb = new InlineKeyboard();
  for (const c of Object.keys(QUIZ_CATEGORIES) as QuizCategory[]) {
    const resume = active.includes(c) ? " · продолжить" : "";
    kb.text(`${ICONS[c]} ${QUIZ_CATEGORIES[c].title}${resume}`, QUIZ.intro(c)).row();
  }
  return {
    text: "🧩 <b>Квизы</b>\n\nКороткие тесты о себе: 3–4 минуты, без правильных и " +
      "неправильных ответов. Выберите тему:",
    keyboard: kb.text(BACK_TO_MENU, MENU.main),
  };
}

export function introScreen(bank: QuizBank, active?: QuizSession, lead?: string): Screen {
  const c = bank.category;
  const head = `${ICONS[c]} <b>Квиз «${QUIZ_CATEGORIES[c].title}»</b>`;
  const kb = new InlineKeyboard();
  let status = `Вопросов: ${bank.questions.length}.`;
  if (active) {
    status = `У вас есть незаконченный квиз: отвечено ${active.answers.length} из ` +
      `${active.plan.length}. Продолжим с того же места?`;
    kb.text("▶️ Продолжить", QUIZ.resume(c)).text("🔄 Начать заново", QUIZ.start(c)).row();
  } else {
    kb.text("▶️ Начать", QUIZ.start(c)).row();
  }
  const text = (lead ? `${lead}\n\n` : "") + `${head}\n\n${escapeHtml(bank.intro)}\n\n${status}`;
  return { text, keyboard: kb.text("⬅️ К квизам", QUIZ.list).text(BACK_TO_MENU, MENU.main) };
}

export function questionScreen(session: QuizSession, q: Question, hint?: string): Screen {
  const position = session.answers.length;
  const head = `${ICONS[session.category]} <b>${QUIZ_CATEGORIES[session.category].title}</b> · ` +
    `Вопрос ${position + 1} из ${session.plan.length}`;
  const kb = new InlineKeyboard();
  let how: string;
  const answer = (value: string) => QUIZ.answer(session.id, position, value);
  if (q.type === "scale") {
    for (let v = 1; v <= 5; v++) kb.text(String(v), answer(String(v)));
    kb.row();
    how = SCALE_LEGEND;
  } else if (q.type === "choice") {
    for (const o of q.options) kb.text(o.text, answer(o.id)).row();
    how = "Выберите вариант.";
  } else {
    kb.text("Пропустить", answer("skip")).row();
    how = "Напишите ответ сообщением — или пропустите вопрос.";
  }
  const warning = hint ? `⚠️ ${hint}\n\n` : "";
  return {
    text: `${warning}${head}\n\n<b>${escapeHtml(q.text)}</b>\n\n<i>${how}</i>`,
    keyboard: kb.text("⏸ Пауза, в меню", QUIZ.pause),
  };
}

export function resultKeyboard(): InlineKeyboard {
  return new InlineKeyboard().text("🧩 Другие квизы", QUIZ.list).text(BACK_TO_MENU, MENU.main);
}
