// createBot(deps): the grammY bot with its middleware in a fixed, documented order.
//
//   1. updateLogger  — child logger per update, one log line per update, in-flight tracking
//   2. recordUpdates — only with `bot --record FILE`
//   3. dedupeUpdates — a redelivered update_id is skipped
//   4. sequentialize — updates of one chat run one after another (same key as the state)
//   5. session       — per-chat dialog state in aiogram_states
//   6. features      — start, ..., then fallback (stale buttons, unknown messages)
//
// Errors end in bot.catch: logged with the update id, and the user gets a short apology.

import { Bot, BotError, type Composer, GrammyError, HttpError, session } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { sequentialize } from "@grammyjs/runner";
import { autoRetry } from "@grammyjs/auto-retry";
import type { Db } from "../db/db.ts";
import { isTransient } from "../db/transient.ts";
import type { Logger } from "../log.ts";
import { type BotContext, chatKey, type SessionData } from "./context.ts";
import { dedupeUpdates } from "./dedupe.ts";
import { recordUpdates } from "./record.ts";
import { dbStateStorage } from "./state_storage.ts";
import { type InFlight, updateLogger } from "./update_log.ts";
import { startFeature } from "./features/start.ts";
import { fallbackFeature } from "./features/fallback.ts";

export interface BotDeps {
  token: string;
  apiRoot: string;
  db: Db;
  log: Logger;
  /** Known bot identity (tests); otherwise fetched with getMe by bot.init(). */
  botInfo?: UserFromGetMe;
  recordPath?: string;
}

export const APOLOGY = "Что-то пошло не так, и я не смог ответить. Попробуйте ещё раз чуть позже.";

export function createBot(deps: BotDeps): { bot: Bot<BotContext>; inFlight: InFlight } {
  const bot = new Bot<BotContext>(deps.token, {
    botInfo: deps.botInfo,
    client: { apiRoot: deps.apiRoot },
  });
  // Flood limits (429) and Telegram's 5xx are retried a few times; network errors are not, as
  // auto-retry would repeat them silently for up to an hour: start-up and polling retry those
  // themselves, and a failed reply ends in bot.catch.
  bot.api.config.use(
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true }),
  );

  const { middleware, inFlight } = updateLogger(deps.log);
  bot.use(middleware);
  if (deps.recordPath) bot.use(recordUpdates(deps.recordPath));
  bot.use(dedupeUpdates(deps.db));
  bot.use(sequentialize(chatKey));
  bot.use(session<SessionData, BotContext>({
    initial: () => ({}),
    storage: dbStateStorage<SessionData>(deps.db),
    getSessionKey: chatKey,
  }));
  for (const feature of features()) bot.use(feature);
  bot.catch((err) => handleError(err, deps.log));
  return { bot, inFlight };
}

function features(): Composer<BotContext>[] {
  return [startFeature(), fallbackFeature()];
}

async function handleError(err: BotError<BotContext>, log: Logger): Promise<void> {
  const ctx = err.ctx;
  const cause = err.error;
  const upstream = isTransient(cause) || cause instanceof HttpError ||
    (cause instanceof GrammyError && cause.error_code >= 500);
  const fields = { update_id: ctx.update.update_id, err: cause };
  if (upstream) log.warn("Update failed because a service is unavailable", fields);
  else log.error("Update failed", fields);
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: APOLOGY });
    else if (ctx.chat) await ctx.reply(APOLOGY);
  } catch (replyErr) {
    log.warn("Cannot send the apology", { update_id: ctx.update.update_id, err: replyErr });
  }
}
