// Last in the chain: a stale or unknown button gets a short answer and the screen the chat is
// really on; a message no feature took gets a hint — after the crisis triage has read it, so a
// hard message typed outside a chat still gets help; media gets a word that only text is read.

import { Composer } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack, show } from "../ui.ts";
import { type Clocked, menuScreen, STALE_BUTTON } from "../nav.ts";
import { resumeOrMenu } from "../screens/onboarding.ts";
import { helpIfCrisis } from "../triage.ts";

/** What the fallback uses. */
export type FallbackDeps = Clocked & Pick<BotServices, "safety" | "helplines">;

export const UNKNOWN_COMMAND = "Такой команды я не знаю. Список команд — /help.";
export const UNKNOWN_TEXT =
  "Чтобы поговорить, откройте «💬 Поговорить» — или выберите другой раздел:";
export const TEXT_ONLY = "Пока я понимаю только текстовые сообщения. Напишите словами — " +
  "или выберите раздел:";

export function fallbackFeature(d: FallbackDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.on("callback_query", async (ctx) => {
    await ack(ctx, STALE_BUTTON);
    await resumeOrMenu(ctx, d);
  });
  c.on("message:text", async (ctx) => {
    const text = ctx.message.text;
    if (text.startsWith("/")) return void await ctx.reply(UNKNOWN_COMMAND);
    if (await helpIfCrisis(ctx, d, text, "all")) return;
    await show(ctx, withLead(UNKNOWN_TEXT), { fresh: true });
  });
  c.on("message", async (ctx) => {
    await show(ctx, withLead(TEXT_ONLY), { fresh: true });
  });
  return c;
}

function withLead(lead: string) {
  const menu = menuScreen();
  return { text: lead, keyboard: menu.keyboard };
}
