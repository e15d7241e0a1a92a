// The buttons of the crisis card and the check-ins (the triage itself is triage.ts): «Мне всё
// ещё тяжело», «Я в безопасности» (out of crisis mode, then 24 hours of gentle mode) and «Я не
// это имел(а) в виду» (out of crisis mode, and the kept message is answered carefully).

import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { ack } from "../ui.ts";
import { endFlow } from "../nav.ts";
import { idFrom } from "../callback_ids.ts";
import { type AnswerDeps, deliverAnswer } from "../answer.ts";
import { BUTTON_GONE, checkInKeyboard, SAFETY, type TriageDeps } from "../triage.ts";
import { betterText, FALSE_ALARM, FALSE_ALARM_QUIZ, stillHardText } from "../screens/crisis.ts";
import { leaveCrisis } from "../../safety/store.ts";
import type { Place } from "../../safety/tier.ts";
import { claimMessage } from "../../chat/history.ts";
import { openDelivery } from "../../inbox/deliveries.ts";

export type SafetyDeps = TriageDeps & AnswerDeps;

export function safetyFeature(d: SafetyDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.callbackQuery(SAFETY.still, async (ctx) => {
    await ack(ctx);
    await ctx.reply(stillHardText(d.helplines), {
      parse_mode: "HTML",
      reply_markup: checkInKeyboard(),
    });
  });
  c.callbackQuery(SAFETY.better, async (ctx) => {
    await ack(ctx);
    await leaveCrisis(
      d.db,
      ctx.user.id,
      ctx.session.assistant ?? "helper",
      d.now(),
    );
    await ctx.editMessageReplyMarkup().catch(() => {});
    await ctx.reply(betterText(d.helplines), { parse_mode: "HTML" });
  });
  // «Я не это имел(а) в виду»: out of crisis mode, and the message is answered carefully.
  c.callbackQuery(SAFETY.match.falseAlarm, async (ctx, stale) => {
    const { db, now } = d;
    const [, digits, quiz] = ctx.match;
    const id = idFrom(digits);
    if (!quiz && id === undefined) return await stale();
    const place: Place = quiz ? "quiz" : ctx.session.assistant ?? "helper";
    if (!await leaveCrisis(db, ctx.user.id, place, now(), "false_alarm")) {
      return await ack(ctx, BUTTON_GONE);
    }
    await ack(ctx);
    await ctx.editMessageReplyMarkup().catch(() => {}); // the button has done its job
    if (id === undefined) return void await ctx.reply(FALSE_ALARM_QUIZ);
    const claimed = await db.transaction(async (tx) => {
      const row = await claimMessage(tx, id, ctx.user.id, "crisis");
      if (row) {
        await openDelivery(tx, {
          updateId: ctx.update.update_id,
          userId: ctx.user.id,
          chatId: ctx.chat!.id,
          kind: "chat",
          subjectId: id,
          care: "concern",
        });
      }
      return row;
    });
    if (!claimed) return;
    await ctx.reply(FALSE_ALARM);
    endFlow(ctx);
    ctx.session.flow = "chat";
    ctx.session.assistant = claimed.assistant;
    const job = { assistant: claimed.assistant, messageId: id, text: claimed.content };
    await deliverAnswer(ctx, d, { ...job, care: "concern" });
  });
  return c;
}
