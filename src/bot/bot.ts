// createBot(deps): the grammY bot with its middleware in a fixed, documented order. Every
// feature gets the services it declares (its `*Deps` type) from `deps`; nothing reaches into
// a shared bag on the context.
//
// Updates reach the chain through the durable inbox (src/bot/worker.ts): stored before Telegram
// is told they arrived, each handled once (a redelivered update_id is never stored twice), the
// updates of one chat one after another in order, a failed one tried again.
//
//   0. ctx.firstRun     — the inbox's worker took the update for the first time
//   1. updateLogger     — child logger per update, one log line per update; ctx.signal, aborted
//                         when the worker gives up on the update (time_limit.ts); a message sent
//                         once per update, even when it is handled again (send_once.ts)
//   2. recordUpdates    — only with `bot --record FILE`
//   3. privateOnly      — groups, channels and edited messages are ignored (a button pressed
//                         there is answered)
//   4. cleanInput       — text that is not a string is dropped (the message counts as media),
//                         control characters are stripped from text, captions and names
//   5. rateLimit        — per chat in 10 s at most 15 taps and commands (more are answered and
//                         dropped) and 15 messages of words (more wait for room in the inbox),
//                         counted in the database by the worker's claim, across all workers
//   6. answerCallbacks  — every callback query is answered, whatever happens below, and within
//                         5 s even when handling takes longer (callbacks.ts)
//   7. prefetch         — the user's record and the chat's dialog state, in one statement
//      session          — per-chat dialog state in aiogram_states (written only when changed)
//   8. block tracking   — my_chat_member: the user blocked or unblocked the bot
//   9. loadUser         — the user's record (created on first contact, refreshed when Telegram's
//                         names changed) and the day's activity, counted in the tally
//  10. before consent   — a crisis typed before consent or during onboarding gets help (offline
//                         analyser, nothing stored); /start and onboarding's steps; /help; /sos;
//                         /helplines; /export_my_data and /delete_me (rights that need no consent)
//  11. requireConsent   — nothing else works until the user has agreed
//  12. resumeInterrupted — an update taken up again whose model answer (chat or quiz result)
//                         was cut off finishes it in the same message, and does nothing else
//                         again (interrupted.ts)
//  13. features         — the crisis card's buttons, the safety plan, menu, profile,
//                         psychological profile, style settings, chats, quizzes, subscription,
//                         admin (/grant, /revoke, /admin)
//  14. fallback         — stale buttons (and callback data with an impossible id), unknown
//                         commands and text, media
//
// An update that fails because a service is down (serviceDown) is tried again later by the
// worker; one that fails by our own fault is tried again a few times and then parked, and only
// then ends in bot.catch: logged with the update id, and the user gets a short apology (APOLOGY) —
// as the button's toast when the press has not been answered yet, else in the chat — or, when the
// update was writing a model's answer, that half-written answer becomes a notice with
// «🔁 Повторить» instead. A database outage reaching bot.catch some other way is told as one
// (OUTAGE).

import { Bot, BotError, GrammyError, HttpError, session } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { autoRetry } from "@grammyjs/auto-retry";
import { isTransient } from "../db/transient.ts";
import type { Logger } from "../log.ts";
import { type BotContext, type BotServices, chatKey, type SessionData } from "./context.ts";
import { LlmUnavailableError } from "../llm/llm.ts";
import { cleanInput } from "./input.ts";
import { recordUpdates } from "./record.ts";
import { createStateStash, dbStateStorage } from "./state_storage.ts";
import { updateLogger } from "./update_log.ts";
import { updateSignal } from "./time_limit.ts";
import { sendOnce } from "./send_once.ts";
import { blockTracking, loadUser, prefetch, privateOnly } from "./user.ts";
import { answerCallbacks, callbackAnswered } from "./callbacks.ts";
import { onboardingFeature, requireConsent } from "./features/onboarding.ts";
import { helpFeature } from "./features/help.ts";
import { menuFeature } from "./features/menu.ts";
import { profileFeature } from "./features/profile.ts";
import { psyProfileFeature } from "./features/psy_profile.ts";
import { settingsFeature } from "./features/settings.ts";
import { fallbackFeature } from "./features/fallback.ts";
import { quizFeature } from "./features/quiz.ts";
import { chatFeature } from "./features/chat.ts";
import { subscriptionFeature } from "./features/subscription.ts";
import { adminFeature } from "./features/admin.ts";
import { adminStatsFeature } from "./features/admin_stats.ts";
import { safetyFeature } from "./features/safety.ts";
import { preConsentTriage, sosFeature } from "./features/sos.ts";
import { helplinesFeature } from "./features/helplines.ts";
import { safetyPlanFeature } from "./features/safety_plan.ts";
import { privacyFeature } from "./features/privacy.ts";
import { type LimitVerdicts, rateLimit } from "./rate_limit.ts";
import { type GiveUpDeps, replaceInterrupted, resumeInterrupted } from "./interrupted.ts";
import { telegramMetrics } from "./telegram_metrics.ts";

/** The services every handler sees, plus what only the bot's construction needs. */
export interface BotDeps extends Omit<BotServices, "now"> {
  token: string;
  apiRoot: string;
  log: Logger;
  /** Known bot identity (tests); otherwise fetched with getMe by bot.init(). */
  botInfo?: UserFromGetMe;
  recordPath?: string;
  /** The spam limit's verdicts, handed over by the inbox's worker (rate_limit.ts). */
  verdicts?: LimitVerdicts;
  /** Updates the inbox's worker took for the first time: they sent nothing before. */
  firstRuns?: WeakSet<object>;
  /** How long a button press may wait for its answer (default 5 s, callbacks.ts). */
  answerCallbacksWithinMs?: number;
  now?: () => Date;
}

export const APOLOGY = "Что-то пошло не так, и я не смог ответить. Попробуйте ещё раз чуть позже.";
/** What the user is told while the database is unreachable. */
export const OUTAGE = "Сервис временно недоступен, попробуйте через минуту.";

export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    botInfo: deps.botInfo,
    client: { apiRoot: deps.apiRoot },
  });
  // Every real Bot API request is counted (installed first, so auto-retry's repeats count too).
  // Flood limits (429) and Telegram's 5xx are retried a few times; network errors are not, as
  // auto-retry would repeat them silently for up to an hour: start-up and polling retry those
  // themselves, and a failed reply ends in bot.catch.
  bot.api.config.use(telegramMetrics(deps.metrics));
  bot.api.config.use(
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true }),
  );

  const firstRuns = deps.firstRuns ?? new WeakSet();
  bot.use((ctx, next) => {
    ctx.firstRun = firstRuns.has(ctx.update);
    return next();
  });
  bot.use(updateLogger(deps.log, deps.metrics), updateSignal, sendOnce(deps.db));
  if (deps.recordPath) bot.use(recordUpdates(deps.recordPath));
  bot.use(privateOnly);
  bot.use(cleanInput);
  bot.use(rateLimit<BotContext>(deps.verdicts ?? new WeakMap()));
  bot.use(answerCallbacks({ withinMs: deps.answerCallbacksWithinMs }));
  const stash = createStateStash();
  bot.use(prefetch(deps, stash, chatKey));
  bot.use(session<SessionData, BotContext>({
    initial: () => ({}),
    storage: dbStateStorage<SessionData>(deps.db, stash),
    getSessionKey: chatKey,
  }));
  const services: BotServices = { ...deps, now: deps.now ?? (() => new Date()) };
  bot.use(blockTracking(services));
  bot.use(loadUser(services));
  bot.use(preConsentTriage(services), onboardingFeature(services), helpFeature(services));
  bot.use(sosFeature(services), helplinesFeature(services), privacyFeature(services));
  bot.use(requireConsent);
  bot.use(resumeInterrupted(services));
  bot.use(safetyFeature(services), safetyPlanFeature(services));
  bot.use(menuFeature(services), profileFeature(services), psyProfileFeature(services));
  bot.use(settingsFeature(services), chatFeature(services), quizFeature(services));
  bot.use(subscriptionFeature(services), adminFeature(services), adminStatsFeature(services));
  bot.use(fallbackFeature(services));
  bot.catch((err) => handleError(err, { db: deps.db, api: bot.api, log: deps.log }));
  return bot;
}

async function handleError(err: BotError<BotContext>, d: GiveUpDeps): Promise<void> {
  const { log } = d;
  const ctx = err.ctx;
  const cause = err.error;
  const fields = { update_id: ctx.update.update_id, err: cause };
  if (serviceDown(cause)) log.warn("Update failed because a service is unavailable", fields);
  else log.error("Update failed", fields);
  const interrupted = await replaceInterrupted(d, ctx.update.update_id).catch((giveUpErr) => {
    log.warn("Cannot replace an interrupted answer with a notice", { err: giveUpErr });
    return false;
  });
  if (interrupted) {
    // The notice stands for the apology; a button pressed still stops spinning.
    if (ctx.callbackQuery && !callbackAnswered(ctx)) {
      await ctx.answerCallbackQuery().catch(() => {});
    }
    return;
  }
  const text = isTransient(cause) ? OUTAGE : APOLOGY;
  try {
    // A press answered by an earlier attempt can no longer show a toast: then the chat has it.
    const toasted = ctx.callbackQuery && !callbackAnswered(ctx) &&
      await ctx.answerCallbackQuery({ text }).then(() => true, () => false);
    if (!toasted && ctx.chat) await ctx.reply(text);
  } catch (replyErr) {
    log.warn("Cannot send the apology", { update_id: ctx.update.update_id, err: replyErr });
  }
}

/**
 * The error means a service is down or overloaded — the database, Telegram, the model — not a
 * fault of ours: the update is tried again once it is back.
 */
export function serviceDown(err: unknown): boolean {
  return isTransient(err) || err instanceof HttpError || err instanceof LlmUnavailableError ||
    (err instanceof GrammyError && (err.error_code >= 500 || err.error_code === 429));
}
