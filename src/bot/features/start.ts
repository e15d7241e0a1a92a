// /start: a short greeting until onboarding arrives.

import { Composer } from "grammy";
import type { BotContext } from "../context.ts";

export const START_PLACEHOLDER =
  "Привет! Я SoulNear — ИИ-собеседник для самоанализа и рефлексии. " +
  "Я не психолог и не служба экстренной помощи. Скоро здесь появится всё остальное.";

export function startFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command(["start", "menu"], async (ctx) => {
    ctx.session.flow = undefined;
    await ctx.reply(START_PLACEHOLDER);
  });
  return c;
}
