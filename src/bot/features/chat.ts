// The assistant chats: /helper and /soulsleep (and their menu buttons) enter a chat in which
// every text message is answered; navigation leaves it. /deletecontext forgets the current
// assistant's conversation (or asks which); a failed answer can be retried, once.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack, type Screen, show } from "../ui.ts";
import { BACK_TO_MENU, endFlow, MENU } from "../nav.ts";
import { answer, type AnswerDeps, RETRY } from "../answer.ts";
import { idFrom } from "../callback_ids.ts";
import { type Assistant } from "../../llm/prompts.ts";
import { claimMessage, clearHistory, isAssistant, saveUserMessage } from "../../chat/history.ts";
import { countAssistantMessage, countDaily, statDate } from "../../stats/daily.ts";
import { freeLeftText, HELD, isSubscribed, limitScreen } from "../screens/subscription.ts";
import { careFollowUp, guardMessage, retriage, type TriageDeps } from "../triage.ts";

/** What the chats use. */
export type ChatDeps = Pick<BotServices, "limits"> & TriageDeps & AnswerDeps;

/** Below this many free messages left, the user is told how many remain. */
const WARN_LEFT = 3;

const TITLES: Record<Assistant, string> = { helper: "«Поговорить»", soulsleep: "«Разобрать сон»" };

const INTROS: Record<Assistant, string> = {
  helper: "💬 <b>Поговорить</b>\n\nРасскажите, что у вас на душе, — я выслушаю и помогу " +
    "разобраться в чувствах. Пишите как удобно, можно несколькими сообщениями.\n\n" +
    "<i>Я ИИ, а не психолог. Если ситуация кажется непосильной, лучше обратиться к специалисту.</i>",
  soulsleep: "🌙 <b>Разобрать сон</b>\n\nОпишите сон: что происходило, кто был рядом, что вы " +
    "чувствовали во сне и после пробуждения. Вместе подумаем, о чём он может говорить.",
};

export const TEXT_ONLY_IN_CHAT =
  "Пока я понимаю только текстовые сообщения — опишите, пожалуйста, словами.";
export const ALREADY_HANDLED = "Это сообщение уже обработано";

function introScreen(assistant: Assistant): Screen {
  return {
    text: INTROS[assistant],
    keyboard: new InlineKeyboard().text("🧹 Начать заново", `chat:clear:${assistant}`)
      .text(BACK_TO_MENU, MENU.main),
  };
}

async function enter(ctx: BotContext, assistant: Assistant) {
  endFlow(ctx);
  ctx.session.flow = "chat";
  ctx.session.assistant = assistant;
  await ack(ctx);
  await show(ctx, introScreen(assistant), { fresh: !ctx.callbackQuery });
}

function cleared(assistant: Assistant): string {
  return `🧹 Готово: я забыл наш разговор в разделе ${TITLES[assistant]}. Можно начать заново.`;
}

export function chatFeature(d: ChatDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  for (const assistant of ["helper", "soulsleep"] as const) {
    c.command(assistant, (ctx) => enter(ctx, assistant));
    c.callbackQuery(
      assistant === "helper" ? MENU.helper : MENU.soulsleep,
      (ctx) => enter(ctx, assistant),
    );
  }

  c.command("deletecontext", async (ctx) => {
    const current = ctx.session.flow === "chat" ? ctx.session.assistant : undefined;
    if (current) {
      await clearHistory(d.db, ctx.user.id, current);
      return void await ctx.reply(cleared(current));
    }
    await show(ctx, {
      text: "Какой разговор забыть?",
      keyboard: new InlineKeyboard().text("💬 Поговорить", "chat:clear:helper")
        .text("🌙 Сны", "chat:clear:soulsleep").row().text(BACK_TO_MENU, MENU.main),
    }, { fresh: true });
  });
  c.callbackQuery(/^chat:clear:(\w+)$/, async (ctx) => {
    const assistant = ctx.match[1];
    if (!isAssistant(assistant)) return await ack(ctx, "Эта кнопка устарела");
    await clearHistory(d.db, ctx.user.id, assistant);
    await ack(ctx, "🧹 История очищена");
    ctx.session.flow = "chat";
    ctx.session.assistant = assistant;
    await show(ctx, {
      ...introScreen(assistant),
      text: `${cleared(assistant)}\n\n${INTROS[assistant]}`,
    });
  });

  // «Повторить» after a failure, and — after paying — the message held at the free limit (it
  // was not counted then, so it is now). Each button works once.
  for (const [data, from] of [[RETRY.match, "failed"], [HELD.match, "held"]] as const) {
    c.callbackQuery(data, async (ctx, stale) => {
      const { db, now } = d;
      const id = idFrom(ctx.match[1]);
      if (id === undefined) return await stale();
      const claimed = await claimMessage(db, id, ctx.user.id, from);
      if (!claimed) return await ack(ctx, ALREADY_HANDLED);
      await ack(ctx);
      await ctx.editMessageReplyMarkup().catch(() => {}); // the button has done its job
      endFlow(ctx);
      ctx.session.flow = "chat";
      ctx.session.assistant = claimed.assistant;
      if (from === "held") {
        await countAssistantMessage(db, ctx.user.id, statDate(now()), claimed.assistant);
      }
      const guard = await retriage(ctx, d, claimed.assistant, id, claimed.content);
      if (guard.handled) return;
      await answer(ctx, d, claimed.assistant, id, claimed.content, guard.care);
      await careFollowUp(ctx, d, guard.care);
    });
  }

  // Messages in a chat; commands pass through to their features.
  c.filter((ctx) => ctx.session.flow === "chat" && isAssistant(ctx.session.assistant))
    .on("message", async (ctx, next) => {
      const text = ctx.message.text;
      if (text?.startsWith("/")) return await next();
      if (text === undefined) return void await ctx.reply(TEXT_ONLY_IN_CHAT);
      const assistant = ctx.session.assistant!;
      // Before anything else: a crisis is answered with help, never by the model.
      const guard = await guardMessage(ctx, d, assistant, text);
      if (guard.handled) return;
      const { db, now, limits } = d;
      const t = now();
      const date = statDate(t);
      // No limit and no paywall in front of someone in distress or just after a crisis.
      const free = !isSubscribed(ctx.user.subscription_until, t) && !guard.care;
      const limit = limits.freeDailyMessages;
      const n = guard.care
        ? await countDaily(db, date, assistant).then(() => 0) // not counted towards the limit
        : await countAssistantMessage(db, ctx.user.id, date, assistant, free ? limit : undefined);
      if (n === undefined) {
        // Over the free limit: the message is kept, to be answered after payment.
        await saveUserMessage(db, ctx.user.id, assistant, text, t, "held");
        await countDaily(db, date, "free_limit_reached");
        return await show(ctx, limitScreen(limit), { fresh: true });
      }
      const id = await saveUserMessage(db, ctx.user.id, assistant, text, t);
      await answer(ctx, d, assistant, id, text, guard.care);
      await careFollowUp(ctx, d, guard.care);
      if (free && limit - n <= WARN_LEFT) await ctx.reply(freeLeftText(limit - n, limit));
    });
  return c;
}
