// /my_profile and «🧠 Психологический профиль»: the patterns noticed in conversations and quizzes
// (with confidence in percent and the user's own words), insights with a recommendation, the
// current state and the completed quizzes' leanings. A friendly empty state for a new user; an
// explanation when pattern analysis is switched off for this user.

import { formatDate } from "../../text/dates.ts";
import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack, escapeHtml, type Screen, show } from "../ui.ts";
import { BACK_TO_MENU, BACK_TO_PROFILE, endFlow, MENU, PROFILE } from "../nav.ts";
import { loadProfile } from "../../patterns/store.ts";
import {
  activePatterns,
  cut,
  type Level,
  type Profile,
  type Stress,
} from "../../patterns/profile.ts";
import { completedQuizzes } from "../../quiz/sessions.ts";
import { QUIZ_CATEGORIES, type QuizCategory } from "../../quiz/categories.ts";
import type { QuizBank } from "../../quiz/content.ts";
import { leaning, type Scores } from "../../quiz/engine.ts";
import { plural } from "../../text/plural.ts";

/** What the psychological profile uses. */
export type PsyProfileDeps = Pick<BotServices, "db" | "analysis" | "quizzes">;

const TITLE = "🧠 <b>Психологический профиль</b>";
const SHOWN_PATTERNS = 5;
const SHOWN_INSIGHTS = 3;

export const PROFILE_OFF = `${TITLE}\n\nПсихологический профиль пока недоступен: эта функция ` +
  "ещё не включена. Загляните сюда позже — а пока можно поговорить со мной или пройти квиз.";

export const PROFILE_EMPTY = `${TITLE}\n\n` +
  "Здесь появятся закономерности, которые я замечу в наших разговорах и квизах: " +
  "повторяющиеся мысли, чувства и сценарии, с вашими же словами в подтверждение.\n\n" +
  "Пока данных нет. Поговорите со мной или пройдите квиз — и профиль начнёт складываться.";

const STRESS: Record<Stress, string> = {
  low: "низкий",
  medium: "средний",
  high: "высокий",
  critical: "очень высокий",
};
const ENERGY: Record<Level, string> = { low: "мало", medium: "средне", high: "много" };

/** "1 раз", "2 раза", "5 раз" */
export function times(n: number): string {
  return plural(n, ["раз", "раза", "раз"]);
}

export interface QuizLine {
  category: QuizCategory;
  completed_at: Date;
  scores: Scores | null;
}

function quizLine(q: QuizLine, bank: QuizBank | undefined): string {
  const leanings = bank && q.scores
    ? bank.dimensions.map((d) => leaning(d, q.scores![d.id])).filter((x) => x !== undefined)
    : [];
  const what = leanings.length ? `: ${leanings.slice(0, 2).join("; ")}` : "";
  return `• «${QUIZ_CATEGORIES[q.category].title}», ${formatDate(q.completed_at)}${
    escapeHtml(what)
  }`;
}

export function psyProfileText(
  profile: Profile,
  quizzes: QuizLine[],
  banks: ReadonlyMap<QuizCategory, QuizBank>,
): string {
  const patterns = activePatterns(profile)
    .sort((a, b) => b.confidence - a.confidence || b.occurrences - a.occurrences)
    .slice(0, SHOWN_PATTERNS);
  if (!patterns.length && !profile.insights.length && !quizzes.length) return PROFILE_EMPTY;
  const parts = [TITLE];
  if (patterns.length) {
    parts.push(
      "<b>Что я замечаю</b>\n" + patterns.map((p, i) => {
        const quote = p.evidence.at(-1);
        return `${i + 1}. <b>${escapeHtml(p.title)}</b> · ${Math.round(p.confidence * 100)}% · ` +
          `замечено ${times(p.occurrences)}\n${escapeHtml(cut(p.description, 180))}` +
          (quote ? `\n<i>«${escapeHtml(cut(quote, 120))}»</i>` : "");
      }).join("\n\n"),
    );
  }
  if (profile.insights.length) {
    parts.push(
      "<b>Наблюдения</b>\n" +
        profile.insights.slice(0, SHOWN_INSIGHTS).map((x) =>
          `💡 <b>${escapeHtml(x.title)}</b> — ${escapeHtml(cut(x.text, 260))}\n` +
          `→ ${escapeHtml(cut(x.recommendation, 200))}`
        ).join("\n\n"),
    );
  }
  const s = profile.emotional_state;
  if (s) {
    parts.push(
      `<b>Сейчас</b>\nНастроение: ${escapeHtml(s.mood)} · стресс: ${STRESS[s.stress]} · ` +
        `энергия: ${ENERGY[s.energy]}`,
    );
  }
  if (quizzes.length) {
    parts.push(
      "<b>Квизы</b>\n" + quizzes.map((q) => quizLine(q, banks.get(q.category))).join("\n"),
    );
  }
  parts.push("Это наблюдения, а не диагноз: они помогают замечать себя.");
  return parts.join("\n\n");
}

async function screen(
  ctx: BotContext,
  d: PsyProfileDeps,
  back: "menu" | "profile",
): Promise<Screen> {
  const { db, analysis, quizzes } = d;
  const text = analysis.enabledFor(ctx.user.id)
    ? psyProfileText(
      await loadProfile(db, ctx.user.id),
      await completedQuizzes(db, ctx.user.id),
      quizzes,
    )
    : PROFILE_OFF;
  const keyboard = back === "menu"
    ? new InlineKeyboard().text(BACK_TO_MENU, MENU.main)
    : new InlineKeyboard().text(BACK_TO_PROFILE, PROFILE.show);
  return { text, keyboard };
}

export function psyProfileFeature(d: PsyProfileDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("my_profile", async (ctx) => {
    endFlow(ctx);
    await show(ctx, await screen(ctx, d, "menu"), { fresh: true });
  });
  c.callbackQuery(PROFILE.psychological, async (ctx) => {
    endFlow(ctx);
    await ack(ctx);
    await show(ctx, await screen(ctx, d, "profile"));
  });
  return c;
}
