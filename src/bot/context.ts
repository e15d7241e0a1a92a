// The bot's context type: grammY's Context with the per-chat dialog state (session), the user's
// database record, the per-update logger and the shared dependencies features need.

import type { Context, SessionFlavor } from "grammy";
import type { Logger } from "../log.ts";
import type { Db } from "../db/db.ts";
import type { UserRecord } from "../users/users.ts";
import type { Flag, FlagKey, UserFlags } from "../flags.ts";
import type { QuizCategory } from "../quiz/categories.ts";
import type { QuizBank } from "../quiz/content.ts";
import type { Llm } from "../llm/llm.ts";
import type { PriceTable } from "../llm/pricing.ts";
import type { Assistant } from "../llm/prompts.ts";
import type { Analyzer } from "../patterns/analysis.ts";
import type { Payments } from "../payments/service.ts";
import type { Safety } from "../safety/gate.ts";
import type { Helplines } from "../safety/helplines.ts";
import type { Pseudonym } from "../log_ids.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Tally } from "../stats/tally.ts";
import type { Style } from "../style/style.ts";

export type OnboardingStep = "consent" | "name" | "age" | "gender";

/**
 * Per-chat dialog state, stored as JSON in aiogram_states; an empty state deletes the row.
 * Navigation (/menu, /start, every Back) ends a flow by clearing it.
 */
export interface SessionData {
  /** The flow the chat is in; undefined means no flow (menus are stateless). */
  flow?: "onboarding" | "chat" | "quiz" | "plan";
  /** In a quiz: the quiz_sessions row being answered. */
  quizId?: number;
  /** In a chat: which assistant answers. */
  assistant?: Assistant;
  step?: OnboardingStep;
  /** A flow re-run to change one thing (onboarding from the profile, one plan step): ends at its card. */
  edit?: boolean;
  /** The message showing the flow's current screen, to tell a double tap from a stale button. */
  screen?: number;
  /** Building the safety plan: the step being written; `edit` returns to the plan after it. */
  planStep?: number;
  /** A quiz category from a deep link, shown once onboarding is done. */
  pendingQuiz?: QuizCategory;
}

/** Whether this bot may use Telegram's message drafts; turned off for good at the first refusal. */
export interface DraftSupport {
  available: boolean;
}

export interface AiSettings {
  model: string;
  promptTokenBudget: number;
  prices: PriceTable;
  /** Which OpenAI API answers this user (USE_CHAT_COMPLETION, rolled out per user). */
  api: (userId: number) => "chat" | "responses";
  /** Least time between two edits of an answer being streamed (Telegram: ~1 edit/s). */
  streamEditMs: number;
  /** Telegram message drafts for streaming; switched off at the first refusal. */
  drafts: DraftSupport;
}

export interface BotServices {
  db: Db;
  now: () => Date;
  /** Feature flags as configured; features read them per user from `ctx.flags`. */
  flags: { readonly [K in FlagKey]: Flag };
  quizzes: ReadonlyMap<QuizCategory, QuizBank>;
  llm: Llm;
  ai: AiSettings;
  /** Pattern analysis (ENABLE_PATTERN_ANALYSIS is checked inside, per user). */
  analysis: Analyzer;
  payments: Payments;
  limits: { freeDailyMessages: number };
  /** Telegram user ids allowed to use admin commands (ADMIN_IDS). */
  adminIds: readonly number[];
  safety: Safety;
  /** Help lines (safety/helplines.json) for every crisis text. */
  helplines: Helplines;
  /** ADMIN_CHAT_ID: where crisis alerts (without message text) go, if set. */
  alertChatId?: number;
  pseudonym: Pseudonym;
  /** The process's technical metrics (answer latency is recorded by the chat feature). */
  metrics: Metrics;
  /** The day's activity and counters, written in batches (src/stats/tally.ts). */
  tally: Tally;
}

export interface AppFlavor {
  log: Logger;
  /** The user's record (private chats only; created on first contact). */
  user: UserRecord;
  /** The user's answer style, when read with the record (src/bot/user.ts: userStyle). */
  style?: Style;
  /** The feature flags as this user sees them (percentage rollouts are stable per user). */
  flags: UserFlags;
  /** Aborted when the worker gives up on this update (its time limit): stop waiting, say nothing. */
  signal: AbortSignal;
  /**
   * Taken from the inbox for the first time: nothing of it was done before (no message sent, no
   * answer begun), so nothing needs looking up. False when unknown.
   */
  firstRun: boolean;
}

export type BotContext = Context & SessionFlavor<SessionData> & AppFlavor;

/** The key both the dialog state and the per-chat ordering use. */
export function chatKey(ctx: Pick<Context, "chat" | "from">): string | undefined {
  return ctx.chat?.id.toString() ?? ctx.from?.id.toString();
}
