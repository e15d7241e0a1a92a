// Quizzes: /quiz, the menu section and quiz_<category> deep links show the list or a quiz's
// intro; questions are answered by buttons or typed text; the adaptive branch (after the fifth
// answer) comes from the pure engine; at the end the model writes the result in the user's
// style, with a deterministic card when it cannot (quiz_result.ts). Progress lives in
// quiz_sessions, so a quiz survives restarts and navigation and can be resumed or started over.

import { Composer } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack, show } from "../ui.ts";
import { endFlow, MENU, showMenu, STALE_BUTTON } from "../nav.ts";
import { idFrom } from "../callback_ids.ts";
import { bankOf, listScreen, questionScreen, QUIZ, showQuizIntro } from "../screens/quiz.ts";
import { isQuizCategory, type QuizCategory } from "../../quiz/categories.ts";
import { type Answer, branch, initialPlan, nextQuestion, readTyped } from "../../quiz/engine.ts";
import {
  activeCategories,
  activeSession,
  getSession,
  planOf,
  type QuizSession,
  saveAnswer,
  startSession,
} from "../../quiz/sessions.ts";
import { careFollowUp, guardMessage, type TriageDeps } from "../triage.ts";
import { finishQuiz, type QuizResultDeps } from "../quiz_result.ts";

/** What the quizzes use. */
export type QuizDeps = QuizResultDeps & TriageDeps & Pick<BotServices, "tally">;

export const QUIZ_FINISHED = "Этот квиз уже завершён";
export const ALREADY_ANSWERED = "Ответ на этот вопрос уже принят";

async function showList(ctx: BotContext, d: QuizDeps, fresh = !ctx.callbackQuery) {
  endFlow(ctx);
  const active = await activeCategories(d.db, ctx.user.id);
  await show(ctx, listScreen(active), { fresh });
}

async function showQuestion(
  ctx: BotContext,
  d: QuizDeps,
  s: QuizSession,
  opts: { hint?: string; fresh?: boolean } = {},
) {
  const q = nextQuestion(bankOf(d, s.category), planOf(s), s.answers);
  if (!q) return await finishQuiz(ctx, d, s);
  ctx.session = { flow: "quiz", quizId: s.id };
  ctx.session.screen = await show(ctx, questionScreen(s, q, opts.hint), { fresh: opts.fresh });
}

async function record(ctx: BotContext, d: QuizDeps, s: QuizSession, answer: Answer) {
  const { db, now } = d;
  const bank = bankOf(d, s.category);
  const answers = [...s.answers, answer];
  const plan = s.adaptive ? branch(bank, planOf(s), answers) : planOf(s);
  const saved = await saveAnswer(db, s.id, s.answers.length, answer, plan, now());
  if (!saved) return await stale(ctx, d, ALREADY_ANSWERED);
  if (saved.branch && !s.branch) {
    ctx.log.info("quiz branched", { dimensions: saved.branch.dimensions });
  }
  await showQuestion(ctx, d, saved, { fresh: !ctx.callbackQuery });
}

/** A button of a question that is no longer current, or of a quiz that is over. */
async function stale(ctx: BotContext, d: QuizDeps, text: string) {
  if (ctx.callbackQuery?.message?.message_id === ctx.session.screen) return await ack(ctx);
  await ack(ctx, text);
  const s = ctx.session.quizId
    ? await getSession(d.db, ctx.session.quizId, ctx.user.id)
    : undefined;
  if (s?.status === "active") return await showQuestion(ctx, d, s, { fresh: true });
  await showList(ctx, d, true);
}

async function start(ctx: BotContext, d: QuizDeps, category: QuizCategory) {
  const { db, now } = d;
  const adaptive = ctx.flags.enableAdaptiveQuiz;
  const t = now();
  const s = await startSession(
    db,
    ctx.user.id,
    category,
    initialPlan(bankOf(d, category)),
    adaptive,
    t,
  );
  d.tally.count("quiz_started", t);
  await showQuestion(ctx, d, s);
}

export function quizFeature(d: QuizDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("quiz", (ctx) => showList(ctx, d, true));
  for (const data of [MENU.quiz, QUIZ.list]) {
    c.callbackQuery(data, async (ctx) => {
      await ack(ctx);
      await showList(ctx, d);
    });
  }
  c.callbackQuery(QUIZ.match.category, async (ctx) => {
    const [, action, category] = ctx.match;
    if (!category || !isQuizCategory(category)) return await stale(ctx, d, STALE_BUTTON);
    await ack(ctx);
    if (action === "intro") return await showQuizIntro(ctx, d, category);
    const active = action === "resume" &&
      await activeSession(d.db, ctx.user.id, category);
    if (active) return await showQuestion(ctx, d, active);
    await start(ctx, d, category);
  });
  c.callbackQuery(QUIZ.pause, async (ctx) => {
    await ack(ctx, "Квиз на паузе — продолжить можно в разделе «Квизы»");
    await showMenu(ctx, d);
  });
  c.callbackQuery(QUIZ.match.answer, async (ctx, next) => {
    const [, digits, at, value] = ctx.match;
    const id = idFrom(digits), position = idFrom(at);
    if (id === undefined || position === undefined) return await next();
    const s = await getSession(d.db, id, ctx.user.id);
    if (!s || s.status !== "active") return await stale(ctx, d, QUIZ_FINISHED);
    const q = nextQuestion(bankOf(d, s.category), planOf(s), s.answers);
    // Every answer is in but no result: the update that gave the last one stopped before it.
    if (!q) {
      await ack(ctx);
      return await finishQuiz(ctx, d, s);
    }
    if (s.answers.length !== position) return await stale(ctx, d, ALREADY_ANSWERED);
    const answer: Answer | undefined = value === "skip" && q.type === "open"
      ? { question: q.id, skipped: true }
      : q.type === "scale" && /^[1-5]$/.test(value!)
      ? { question: q.id, value: Number(value) }
      : q.type === "choice" && q.options.some((o) => o.id === value)
      ? { question: q.id, option: value }
      : undefined;
    if (!answer) return await stale(ctx, d, STALE_BUTTON);
    await ack(ctx);
    await record(ctx, d, s, answer);
  });

  // Typed answers while a quiz is open; commands pass through to their features.
  c.filter((ctx) => ctx.session.flow === "quiz" && ctx.session.quizId !== undefined)
    .on("message", async (ctx, next) => {
      const text = ctx.message.text;
      if (text?.startsWith("/")) return await next();
      const s = await getSession(d.db, ctx.session.quizId!, ctx.user.id);
      if (!s || s.status !== "active") {
        endFlow(ctx);
        return await next();
      }
      const q = nextQuestion(bankOf(d, s.category), planOf(s), s.answers);
      if (!q) return await finishQuiz(ctx, d, s);
      // Open answers reach the model (in the result): the crisis gate sees them first.
      const guard = q.type === "open" && text !== undefined
        ? await guardMessage(ctx, d, "quiz", text)
        : undefined;
      if (guard?.handled) return;
      const typed = text === undefined
        ? { hint: "Пока я понимаю только текст и кнопки." }
        : readTyped(q, text);
      if ("hint" in typed) return await showQuestion(ctx, d, s, { hint: typed.hint, fresh: true });
      // A hard answer is kept, and the soft line with help comes before the next question.
      if (guard?.care) await careFollowUp(ctx, d, guard.care);
      await record(ctx, d, s, typed.answer);
    });
  return c;
}
