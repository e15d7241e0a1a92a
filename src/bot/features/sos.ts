// /sos and «🆘 Мне тяжело»: always one tap away (the menu, the command list, the soft line after
// a hard message), even before consent — as is help for a crisis typed before consent or during
// onboarding. Grounding, breathing, the user's own safety plan and help lines; it does not end
// the flow the user is in, so they can go back to their conversation afterwards. The exercises'
// buttons (also on the crisis card) are answered here.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack } from "../ui.ts";
import { BACK_TO_MENU, MENU } from "../nav.ts";
import { helpIfCrisis, SAFETY, type TriageDeps } from "../triage.ts";
import { hasConsent } from "../screens/onboarding.ts";
import {
  BREATHING,
  groundingText,
  helplinesText,
  PLAN,
  planText,
  sosText,
} from "../screens/crisis.ts";
import { getPlan, isEmptyPlan } from "../../safety/plan.ts";
import { recordEvent } from "../../safety/store.ts";

/** What /sos and the exercises use. */
export type SosDeps =
  & Pick<BotServices, "db" | "now" | "tally" | "helplines" | "safety">
  & TriageDeps;

export const SOS_LINES = "safety:lines";

async function sos(ctx: BotContext, d: SosDeps) {
  await ack(ctx);
  const { db, now, helplines } = d;
  if (ctx.user.consent_at) await recordEvent(db, ctx.user.id, "sos", "sos", now());
  const plan = await getPlan(db, ctx.user.id);
  const hasPlan = plan !== undefined && !isEmptyPlan(plan);
  if (hasPlan) await ctx.reply(planText(plan), { parse_mode: "HTML" });
  const keyboard = new InlineKeyboard()
    .text("🫁 Заземление 5-4-3-2-1", SAFETY.grounding).text("🌬 Дыхание", SAFETY.breathing).row()
    .text(hasPlan ? "📋 Изменить мой план" : "📋 Составить план безопасности", PLAN.open).row()
    .text("📞 Телефоны помощи", SOS_LINES).row()
    .text(BACK_TO_MENU, MENU.main);
  await ctx.reply(sosText(helplines, hasPlan), { parse_mode: "HTML", reply_markup: keyboard });
}

/**
 * Before consent, and at onboarding's steps, typed text reaches no model and no chat's triage,
 * yet help must not wait for a button: the offline analyser reads it (triage.ts, helpIfCrisis).
 * Acute gets the crisis card and is not taken as an answer; concern gets the soft line, then
 * onboarding goes on.
 */
export function preConsentTriage(d: SosDeps) {
  return async (ctx: BotContext, next: () => Promise<void>) => {
    const text = ctx.message?.text;
    const unread = !hasConsent(ctx) || ctx.session.flow === "onboarding";
    if (!unread || text === undefined || text.startsWith("/")) return await next();
    if (await helpIfCrisis(ctx, d, text, "offline")) return;
    await next();
  };
}

export function sosFeature(d: SosDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("sos", (ctx) => sos(ctx, d));
  c.callbackQuery(SAFETY.sos, (ctx) => sos(ctx, d));
  c.callbackQuery(SAFETY.grounding, async (ctx) => {
    await ack(ctx);
    await ctx.reply(groundingText(d.helplines), { parse_mode: "HTML" });
  });
  c.callbackQuery(SAFETY.breathing, async (ctx) => {
    await ack(ctx);
    await ctx.reply(BREATHING, { parse_mode: "HTML" });
  });
  c.callbackQuery(SOS_LINES, async (ctx) => {
    await ack(ctx);
    await ctx.reply(helplinesText(d.helplines), { parse_mode: "HTML" });
  });
  return c;
}
