// The bot's context type: grammY's Context with the per-chat dialog state (session) and the
// per-update logger. Features extend SessionData with their own optional fields.

import type { Context, SessionFlavor } from "grammy";
import type { Logger } from "../log.ts";

/** Per-chat dialog state, stored as JSON in aiogram_states. */
export interface SessionData {
  /** The flow the chat is in (onboarding step, assistant chat, quiz ...); undefined = menu. */
  flow?: string;
}

export interface LogFlavor {
  log: Logger;
}

export type BotContext = Context & SessionFlavor<SessionData> & LogFlavor;

/** The key both the dialog state and the per-chat ordering use. */
export function chatKey(ctx: Pick<Context, "chat" | "from">): string | undefined {
  return ctx.chat?.id.toString() ?? ctx.from?.id.toString();
}
