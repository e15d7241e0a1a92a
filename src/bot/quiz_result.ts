// The end of a quiz: «⏳ Собираю ваш результат…», then the model writes the result in the user's
// style (a card built from the scores when it cannot), stored with the session and shown in the
// message that said to wait. The update that ends a quiz opens a delivery (src/inbox/deliveries.ts)
// recording that message, so an update taken up again after its worker died finishes the result
// there — a stored result is shown, never written or counted twice — and one given up on gets a
// notice with «🔁 Повторить» (interrupted.ts).

import { type Api, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "./context.ts";
import { show } from "./ui.ts";
import { BACK_TO_MENU, endFlow, MENU } from "./nav.ts";
import { bankOf, QUIZ, resultKeyboard } from "./screens/quiz.ts";
import { deleteMessages, replaceText } from "./replace.ts";
import { markdownToTelegramHtml } from "./format/telegram_html.ts";
import { splitForTelegram } from "./format/split.ts";
import { scoreAnswers } from "../quiz/engine.ts";
import { completeSession, type QuizSession } from "../quiz/sessions.ts";
import { fallbackResult, resultPrompt } from "../quiz/result.ts";
import { quizCandidates } from "../patterns/quiz.ts";
import { userStyle } from "./user.ts";
import { DEFAULT_STYLE } from "../style/style.ts";
import { countDaily, statDate } from "../stats/daily.ts";
import { closeDelivery, type Delivery, openDelivery, recordMessages } from "../inbox/deliveries.ts";
import type { QuizCategory } from "../quiz/categories.ts";
import type { Logger } from "../log.ts";

/** What writing a quiz's result uses. */
export type QuizResultDeps = Pick<
  BotServices,
  "db" | "now" | "quizzes" | "llm" | "ai" | "analysis"
>;

export const WAIT_RESULT = "⏳ Собираю ваш результат…";
export const QUIZ_INTERRUPTED = "😔 Не получилось собрать результат квиза: у нас что-то " +
  "сломалось. Ваши ответы сохранены — нажмите «Повторить», и я соберу его заново.";

/** The notice that replaces a result given up on: «🔁 Повторить» resumes the quiz at its end. */
export function quizRetryKeyboard(category: QuizCategory): InlineKeyboard {
  return new InlineKeyboard().text("🔁 Повторить", QUIZ.resume(category))
    .text(BACK_TO_MENU, MENU.main);
}

/**
 * Writes and shows the result of session `s`, whose questions are all answered. `shown`: the
 * messages an interrupted try left (the result goes there).
 */
export async function finishQuiz(
  ctx: BotContext,
  d: QuizResultDeps,
  s: QuizSession,
  shown: readonly number[] = [],
) {
  const { db, now, llm, ai } = d;
  endFlow(ctx);
  const chatId = ctx.chat!.id;
  const updateId = ctx.update.update_id;
  const record = recorder(d, updateId, ctx.log);
  await openDelivery(db, {
    updateId,
    userId: ctx.user.id,
    chatId,
    kind: "quiz",
    subjectId: s.id,
  });
  const wait = shown.length
    ? await replaceText(ctx.api, chatId, shown[0], WAIT_RESULT)
    : await show(ctx, { text: WAIT_RESULT }, { fresh: !ctx.callbackQuery });
  const ids = [wait, ...shown.slice(1)];
  await record(ids);
  const bank = bankOf(d, s.category);
  const scores = scoreAnswers(bank, s.answers);
  const styled = ctx.flags.enableStyleSettings;
  const style = styled ? await userStyle(ctx, db) : DEFAULT_STYLE;
  let text: string;
  let source: "llm" | "fallback" = "llm";
  try {
    const api = ai.api(ctx.user.id);
    const r = await llm.complete({
      api,
      model: ai.model,
      messages: resultPrompt(bank, scores, s.answers, style),
      maxOutputTokens: 900,
      temperature: 0.7,
      signal: ctx.signal,
    });
    text = r.text.trim();
    if (!text) throw new Error("The model returned an empty result");
  } catch (err) {
    if (ctx.signal?.aborted) throw err; // given up on by the worker: its retry writes the result
    ctx.log.warn("Quiz result written without the model", { err });
    text = fallbackResult(bank, scores);
    source = "fallback";
  }
  const t = now();
  const stored = await db.transaction(async (tx) => {
    if (!await completeSession(tx, s.id, scores, text, source, t)) return false;
    await countDaily(tx, statDate(t), "quiz_completed");
    return true;
  });
  if (!stored) {
    ctx.log.warn("A quiz result was stored by another worker meanwhile; it is left as is");
    return;
  }
  await showResult(ctx.api, chatId, ids, text, record, ctx.log);
  await closeDelivery(db, updateId, "done");
  // Only now, with the result delivered: quiz findings join the psychological profile.
  d.analysis.afterQuiz(ctx.user.id, quizCandidates(bank, scores, s.answers));
}

/** Shows a stored result in the messages `ids` (edited; more sent, extra ones deleted). */
export async function showResult(
  api: Api,
  chatId: number,
  ids: readonly number[],
  result: string,
  record: (ids: number[]) => Promise<void>,
  log: Logger,
) {
  const parts = splitForTelegram(markdownToTelegramHtml(result));
  const shown: number[] = [];
  for (const [i, part] of parts.entries()) {
    const keyboard = i === parts.length - 1 ? resultKeyboard() : undefined;
    shown.push(await replaceText(api, chatId, ids[i], part, keyboard));
    await record([...shown, ...ids.slice(shown.length)]);
  }
  if (ids.length > parts.length) {
    await deleteMessages(api, chatId, ids.slice(parts.length), log);
    await record(shown);
  }
}

/** Records the messages showing a delivery; a failure is only a warning. */
export function recorder(d: Pick<BotServices, "db">, updateId: number, log: Logger) {
  return (ids: number[]) =>
    recordMessages(d.db, updateId, ids).catch((err) =>
      log.warn("Cannot record the messages showing a quiz result", { err })
    );
}

/** Finishes a quiz result whose update is taken up again: written anew, or the stored one shown. */
export async function resumeQuiz(
  ctx: BotContext,
  d: QuizResultDeps,
  delivery: Delivery,
  s: QuizSession | undefined,
) {
  if (s?.status === "active") return await finishQuiz(ctx, d, s, delivery.messageIds);
  endFlow(ctx);
  if (s?.status === "completed" && s.result !== null) {
    const record = recorder(d, delivery.updateId, ctx.log);
    await showResult(ctx.api, delivery.chatId, delivery.messageIds, s.result, record, ctx.log);
    await closeDelivery(d.db, delivery.updateId, "done");
    const bank = bankOf(d, s.category);
    d.analysis.afterQuiz(ctx.user.id, quizCandidates(bank, s.scores!, s.answers));
    return;
  }
  await closeDelivery(d.db, delivery.updateId, "done"); // the quiz was abandoned meanwhile
}
