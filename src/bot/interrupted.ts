// Answers cut off mid-way are never left half-written in silence. An update that asked a model
// opened a delivery (src/inbox/deliveries.ts) recording the messages that show its answer so far:
//
//   - taken up again (its worker died, or it is retried): `resumeInterrupted`, before the
//     features, finishes that delivery in the same messages — the chat answer regenerated, or the
//     quiz result written (or the stored one shown) — and nothing else of the update runs again:
//     the message is not stored or counted twice, and a finished answer is never sent twice;
//   - given up on (parked, it ends in bot.catch) or found open at start-up while its update waits
//     nowhere in the inbox (`finishInterrupted`): the half-written message is replaced by a notice
//     with «🔁 Повторить» — the chat's retry, or the quiz resumed at its end; a quiz result stored
//     already is shown instead.

import type { Api, InlineKeyboard, MiddlewareFn } from "grammy";
import type { BotContext } from "./context.ts";
import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import { ack } from "./ui.ts";
import { endFlow } from "./nav.ts";
import {
  answerClaimed,
  type AnswerDeps,
  careOf,
  deliverAnswer,
  retryKeyboard,
  UNAVAILABLE,
} from "./answer.ts";
import { careFollowUp, type TriageDeps } from "./triage.ts";
import {
  QUIZ_INTERRUPTED,
  type QuizResultDeps,
  quizRetryKeyboard,
  recorder,
  resumeQuiz,
  showResult,
} from "./quiz_result.ts";
import { deleteMessages, replaceText } from "./replace.ts";
import { markFailed, userMessage } from "../chat/history.ts";
import { getSession } from "../quiz/sessions.ts";
import {
  abandonedDeliveries,
  closeDelivery,
  type Delivery,
  deliveryOf,
  recordMessages,
} from "../inbox/deliveries.ts";

export const INTERRUPTED = "😔 Не получилось закончить ответ: у нас что-то сломалось. " +
  "Ваше сообщение сохранено — нажмите «Повторить», и я отвечу заново.";

/** What finishing an interrupted answer uses. */
export type ResumeDeps = AnswerDeps & TriageDeps & QuizResultDeps;

/** Finishes the delivery of an update taken up again; other updates go on down the chain. */
export function resumeInterrupted(d: ResumeDeps): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    // A first run has begun no answer: there is nothing to finish.
    if (ctx.firstRun || (!ctx.message && !ctx.callbackQuery)) return await next();
    const delivery = await deliveryOf(d.db, ctx.update.update_id);
    if (!delivery) return await next();
    await ack(ctx);
    // Delivered, or replaced by a notice, before: this update has done everything it does.
    if (delivery.status !== "open") return;
    ctx.log.info("Finishing an answer its update left unfinished", { kind: delivery.kind });
    if (delivery.kind === "quiz") {
      const s = await getSession(d.db, delivery.subjectId, ctx.user.id);
      return await resumeQuiz(ctx, d, delivery, s);
    }
    await resumeChat(ctx, d, delivery);
  };
}

async function resumeChat(ctx: BotContext, d: ResumeDeps, delivery: Delivery) {
  const { db } = d;
  const m = await userMessage(db, delivery.subjectId);
  if (!m) return void await closeDelivery(db, delivery.updateId, "done"); // forgotten meanwhile
  endFlow(ctx);
  ctx.session.flow = "chat";
  ctx.session.assistant = m.assistant;
  const care = careOf(delivery.care);
  const job = {
    assistant: m.assistant,
    messageId: delivery.subjectId,
    text: m.content,
    shown: delivery.messageIds,
  };
  if (m.status === "pending") {
    // Not triaged yet when the worker died: as a retry does.
    if (delivery.care === undefined) return await answerClaimed(ctx, d, job);
    return await deliverAnswer(ctx, d, { ...job, care });
  }
  if (m.status === "failed") {
    // The model failed, and the worker died before (or while) telling the user.
    await notice(ctx.api, db, delivery, retryKeyboard(delivery.subjectId), ctx.log, UNAVAILABLE);
  }
  // Answered (shown, then saved): only what follows the answer is left.
  if (m.status === "answered" || m.status === "failed") await careFollowUp(ctx, d, care);
  await closeDelivery(db, delivery.updateId, m.status === "failed" ? "notice" : "done");
}

/** Shows the chat's notice in the first message of the delivery; the rest are deleted. */
async function notice(
  api: Api,
  db: Db,
  delivery: Delivery,
  keyboard: InlineKeyboard,
  log: Logger,
  text = INTERRUPTED,
) {
  const { chatId, messageIds } = delivery;
  const id = await replaceText(api, chatId, messageIds[0], text, keyboard);
  await recordMessages(db, delivery.updateId, [id]);
  await deleteMessages(api, chatId, messageIds.slice(1), log);
}

/** What giving up on an answer uses: no context, only the stored delivery. */
export interface GiveUpDeps {
  db: Db;
  api: Api;
  log: Logger;
}

/**
 * Gives up on an open delivery: the half-written answer becomes a notice with «🔁 Повторить»
 * (a quiz result stored already is shown instead). True when the user was told something.
 */
export async function giveUp(d: GiveUpDeps, delivery: Delivery): Promise<boolean> {
  const { db, api, log } = d;
  if (delivery.kind === "quiz") {
    const s = await getSession(db, delivery.subjectId, delivery.userId);
    if (s?.status === "completed" && s.result !== null) {
      const record = recorder(d, delivery.updateId, log);
      await showResult(api, delivery.chatId, delivery.messageIds, s.result, record, log);
      return await closeDelivery(db, delivery.updateId, "done");
    }
    if (s?.status !== "active") {
      await closeDelivery(db, delivery.updateId, "done"); // abandoned meanwhile
      return false;
    }
    await notice(api, db, delivery, quizRetryKeyboard(s.category), log, QUIZ_INTERRUPTED);
    return await closeDelivery(db, delivery.updateId, "notice");
  }
  // The message is answered again only by «Повторить», which claims it from 'failed'.
  await markFailed(db, delivery.subjectId);
  const m = await userMessage(db, delivery.subjectId);
  if (m?.status !== "failed") {
    await closeDelivery(db, delivery.updateId, "done"); // answered, or forgotten, meanwhile
    return false;
  }
  await notice(api, db, delivery, retryKeyboard(delivery.subjectId), log);
  return await closeDelivery(db, delivery.updateId, "notice");
}

/**
 * bot.catch, for an update given up on: its open delivery, if it has one, is replaced by the
 * notice (which stands for the apology). True when that happened.
 */
export async function replaceInterrupted(d: GiveUpDeps, updateId: number): Promise<boolean> {
  const delivery = await deliveryOf(d.db, updateId);
  if (delivery?.status !== "open") return false;
  return await giveUp(d, delivery);
}

/**
 * At start-up: answers left open by updates no worker will take up again (handled, parked, or
 * gone from the inbox) get the notice. Returns how many.
 */
export async function finishInterrupted(d: GiveUpDeps): Promise<number> {
  let n = 0;
  for (const delivery of await abandonedDeliveries(d.db)) {
    try {
      if (await giveUp(d, delivery)) n++;
    } catch (err) {
      d.log.warn("Cannot replace an interrupted answer with a notice", {
        update_id: delivery.updateId,
        err,
      });
    }
  }
  if (n > 0) d.log.warn(`${n} interrupted answer(s) replaced by a notice or finished`);
  return n;
}
