// Answers one message in an assistant chat: composes the prompt (style, user, history within the
// token budget), streams the model's answer into the chat, enforces the brief length, saves the
// reply with tokens, cost and timings. When the model is unavailable the user's message stays
// saved as failed and the user gets a retry button. The update that asks for the answer has
// opened its delivery (src/inbox/deliveries.ts): the messages showing the answer are recorded
// there, so a try cut off by a dying worker is finished in them (`shown`), and a worker that lost
// the update to another changes nothing when it ends late. A typed message's answer may have been
// started while it was triaged (`early`, generation.ts): it is shown from here on when the
// triage gave the care it was started with, else cancelled and asked again with the right care.

import { GrammyError, HttpError, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "./context.ts";
import { streamingReply } from "./stream_reply.ts";
import type { Assistant, Care } from "../llm/prompts.ts";
import { LlmUnavailableError } from "../llm/llm.ts";
import { limitParagraphs } from "./format/split.ts";
import { costUsd } from "../llm/pricing.ts";
import { markFailed, saveReply } from "../chat/history.ts";
import { closeDelivery, type DeliveryCare, recordMessages, setCare } from "../inbox/deliveries.ts";
import { careFollowUp, retriage, type TriageDeps } from "./triage.ts";
import { isTransient } from "../db/transient.ts";
import { BACK_TO_MENU, MENU } from "./nav.ts";
import { ID, pattern } from "./callback_ids.ts";
import {
  generate,
  type Generation,
  type GenerationDeps,
  type PromptParts,
  readPromptParts,
} from "./generation.ts";

export const UNAVAILABLE = "😔 Не получилось ответить: модель сейчас недоступна. " +
  "Ваше сообщение сохранено — нажмите «Повторить» чуть позже.";
/** «Повторить» after a failed answer. */
export const RETRY = Object.assign((id: number) => `chat:retry:${id}`, {
  match: pattern`chat:retry:${ID}`,
});
const BRIEF_PARAGRAPHS = 2;

/** What answering uses. */
export type AnswerDeps = GenerationDeps & Pick<BotServices, "metrics">;

/** One answer to give: the user's message (its conversation_history id and text) and its care. */
export interface AnswerJob {
  assistant: Assistant;
  messageId: number;
  text: string;
  care?: Care;
  /** The messages an interrupted try of this answer left: it is finished in them. */
  shown?: readonly number[];
  /** The answer started while the message was triaged: shown if its care is `care`. */
  early?: Generation;
  /** What the prompt needs, read before (while the message was triaged). */
  parts?: PromptParts;
  /** The "typing" action sent when the message came (one is sent here otherwise). */
  typing?: Promise<void>;
  /** When answering began (performance.now()), for the timings; now by default. */
  since?: number;
}

/** How an answer ended: delivered, a notice with «Повторить», or given by another worker. */
export type Answered = "answered" | "failed" | "superseded";

export async function answer(ctx: BotContext, d: AnswerDeps, job: AnswerJob): Promise<Answered> {
  const { assistant, messageId, text, care } = job;
  const { db, now, metrics, analysis } = d;
  const user = ctx.user;
  // An answer started with another care than the triage gave has the wrong prompt: never shown.
  const early = job.early?.care === care ? job.early : undefined;
  if (job.early && !early) job.early.cancel("the triage gave another care");
  const started = job.since ?? performance.now();
  await (job.typing ?? ctx.replyWithChatAction("typing").catch(() => {})); // cosmetic: never fails
  const updateId = ctx.update.update_id;
  const reply = streamingReply(ctx, {
    editEveryMs: d.ai.streamEditMs,
    drafts: d.ai.drafts,
    shown: job.shown,
    onShown: (ids) => recordMessages(db, updateId, ids),
    started,
  });
  try {
    const parts = job.early?.parts ?? job.parts ??
      await readPromptParts(ctx, d, assistant, text, messageId);
    const generation = early ?? generate(ctx, d, parts, care);
    const { prompt } = generation;
    // Ended already (the model was quicker than the triage): straight to the final text.
    if (!generation.ended) generation.show((piece) => reply.push(piece));
    const result = await generation.result;
    const { style, patterns } = parts;
    let final = result.text.trim();
    if (style.length === "brief") final = limitParagraphs(final, BRIEF_PARAGRAPHS);
    if (!final) throw new LlmUnavailableError("The model returned an empty answer");
    await reply.finish(final);
    const totalMs = Math.round(performance.now() - started);
    const cost = costUsd(d.ai.prices, result.model, result.inputTokens, result.outputTokens);
    metrics.answerTotal.observe({ assistant }, totalMs / 1000);
    if (reply.firstTextMs !== undefined) {
      metrics.answerFirstText.observe({ assistant }, reply.firstTextMs / 1000);
    }
    const saved = await saveReply(db, {
      userMessageId: messageId,
      userId: user.id,
      assistant,
      content: final,
      model: result.model,
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      costUsd: cost,
      firstTextMs: reply.firstTextMs,
      totalMs,
      now: now(),
    });
    if (!saved) return superseded(ctx);
    ctx.log.info("answered", {
      assistant,
      api: generation.api,
      prompt_tokens: result.inputTokens,
      estimated_prompt_tokens: prompt.inputTokens,
      dropped_turns: prompt.droppedTurns,
      output_tokens: result.outputTokens,
      first_text_ms: reply.firstTextMs,
      total_ms: totalMs,
      patterns: patterns.length,
      care,
    });
    analysis.afterAnswer(user.id, assistant, messageId);
    return "answered";
  } catch (err) {
    // Given up on by the worker (its time limit): the update's retry answers; this run is silent.
    if (ctx.signal?.aborted) throw err;
    const failed = await markFailed(db, messageId).catch((e) => {
      ctx.log.warn("Cannot mark the message as failed", { err: e });
      return true;
    });
    // Services being down (the model, Telegram, the database) is a warning; anything else is ours.
    if (isUpstream(err)) ctx.log.warn("Answer failed: a service is unavailable", { err });
    else ctx.log.error("Answer failed", { err });
    if (!failed) return superseded(ctx);
    await reply.fail(UNAVAILABLE, retryKeyboard(messageId)).catch((e) =>
      ctx.log.warn("Cannot tell the user the answer failed", { err: e })
    );
    return "failed";
  }
}

/** «🔁 Повторить» for a user's message that was not answered, and the way back to the menu. */
export function retryKeyboard(messageId: number): InlineKeyboard {
  return new InlineKeyboard().text("🔁 Повторить", RETRY(messageId)).text(BACK_TO_MENU, MENU.main);
}

function superseded(ctx: BotContext): Answered {
  ctx.log.warn("An answer ended after another worker had taken its update; it is left as is");
  return "superseded";
}

/** The care an answer is given with, as a delivery stores it. */
export function careOf(care: DeliveryCare | undefined): Care | undefined {
  return care === "none" ? undefined : care;
}

/**
 * Answers a message whose delivery this update opened, then the soft line with help for a
 * message of concern (also after a failure), and closes the delivery.
 */
export async function deliverAnswer(ctx: BotContext, d: AnswerDeps, job: AnswerJob) {
  const outcome = await answer(ctx, d, job);
  if (outcome === "superseded") return;
  await careFollowUp(ctx, d, job.care);
  await closeDelivery(d.db, ctx.update.update_id, outcome === "answered" ? "done" : "notice");
}

/**
 * Answers a message claimed again (a retry, a message held at the free limit): it is triaged
 * again first, and one now judged acute gets the crisis card instead of an answer.
 */
export async function answerClaimed(
  ctx: BotContext,
  d: AnswerDeps & TriageDeps,
  job: Omit<AnswerJob, "care">,
) {
  const guard = await retriage(ctx, d, job.assistant, job.messageId, job.text);
  if (guard.handled) return void await closeDelivery(d.db, ctx.update.update_id, "done");
  await setCare(d.db, ctx.update.update_id, guard.care ?? "none");
  await deliverAnswer(ctx, d, { ...job, care: guard.care });
}

function isUpstream(err: unknown): boolean {
  return err instanceof LlmUnavailableError || err instanceof HttpError ||
    err instanceof GrammyError || isTransient(err);
}
