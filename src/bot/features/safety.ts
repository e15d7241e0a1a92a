// Crisis handling in the chat and the quiz. guardMessage runs before any model call: a message
// that signals a crisis gets a fixed, warm reply with the helplines instead of a generated one,
// and the user enters crisis mode. In crisis mode every further message (one "I was joking"
// included) gets a check-in; only «Я в безопасности» returns the chat to normal. The message
// text is neither stored nor sent to the chat model; events carry no text.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../context.ts";
import { ack } from "../ui.ts";
import { enterCrisis, leaveCrisis, type Place, recordEvent } from "../../safety/store.ts";
import { ADMIN_ALERT, BETTER, CHECK_IN, CRISIS, GROUNDING, STILL_HARD } from "./safety_texts.ts";

export const SAFETY = {
  grounding: "safety:grounding",
  better: "safety:better",
  still: "safety:still",
} as const;

// No "I'm fine" here: the way back to normal goes through a check-in on the next message.
const crisisKeyboard = () =>
  new InlineKeyboard().text("🫁 Упражнение на заземление", SAFETY.grounding);
const checkInKeyboard = () =>
  new InlineKeyboard().text("✅ Я в безопасности, мне лучше", SAFETY.better).row()
    .text("😔 Мне всё ещё тяжело", SAFETY.still).row()
    .text("🫁 Упражнение на заземление", SAFETY.grounding);

/** True when the message was handled here (a crisis, or crisis mode): do not answer it. */
export async function guardMessage(ctx: BotContext, place: Place, text: string): Promise<boolean> {
  const { db, now, safety, alertChatId, pseudonym } = ctx.services;
  const verdict = await safety.check(text);
  if (verdict.crisis) {
    await enterCrisis(db, ctx.user.id, place, verdict.source!, now());
    ctx.log.info("Crisis signal: answered with helplines, not the model", {
      place,
      source: verdict.source,
    });
    await ctx.reply(CRISIS, { parse_mode: "HTML", reply_markup: crisisKeyboard() });
    if (alertChatId) {
      await ctx.api.sendMessage(
        alertChatId,
        ADMIN_ALERT(pseudonym(ctx.user.id), place, verdict.source!),
      )
        .catch((err) => ctx.log.warn("Cannot alert the operators", { err }));
    }
    return true;
  }
  if (ctx.user.crisis_since) {
    await recordEvent(db, ctx.user.id, "checkin", place, now());
    await ctx.reply(CHECK_IN, { reply_markup: checkInKeyboard() });
    return true;
  }
  return false;
}

export function safetyFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.callbackQuery(SAFETY.grounding, async (ctx) => {
    await ack(ctx);
    await ctx.reply(GROUNDING, { parse_mode: "HTML" });
  });
  c.callbackQuery(SAFETY.still, async (ctx) => {
    await ack(ctx);
    await ctx.reply(STILL_HARD, { parse_mode: "HTML", reply_markup: checkInKeyboard() });
  });
  c.callbackQuery(SAFETY.better, async (ctx) => {
    await ack(ctx);
    await leaveCrisis(
      ctx.services.db,
      ctx.user.id,
      ctx.session.assistant ?? "helper",
      ctx.services.now(),
    );
    await ctx.editMessageReplyMarkup().catch(() => {});
    await ctx.reply(BETTER);
  });
  return c;
}
