// The assistant chats: /helper and /soulsleep (and their menu buttons) enter a chat in which
// every text message is answered; navigation leaves it. /deletecontext forgets the current
// assistant's conversation (or asks which); a failed answer can be retried, once. The message,
// its count against the free limit and its answer's delivery are stored together and once per
// update: an update taken up again finds them (interrupted.ts finishes its answer).

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack, type Screen, show } from "../ui.ts";
import { BACK_TO_MENU, endFlow, MENU } from "../nav.ts";
import { answerClaimed, type AnswerDeps, deliverAnswer, RETRY } from "../answer.ts";
import { idFrom } from "../callback_ids.ts";
import type { Assistant, Care } from "../../llm/prompts.ts";
import {
  claimMessage,
  clearHistory,
  isAssistant,
  messageOfUpdate,
  saveUserMessage,
} from "../../chat/history.ts";
import { openDelivery } from "../../inbox/deliveries.ts";
import type { Queryable } from "../../db/db.ts";
import { countAssistantMessage, statDate, usedToday } from "../../stats/daily.ts";
import { freeLeftText, HELD, isSubscribed, limitScreen } from "../screens/subscription.ts";
import { triage, type TriageDeps } from "../triage.ts";
import { generate, type Generation, readPromptParts } from "../generation.ts";

/** What the chats use. */
export type ChatDeps = Pick<BotServices, "limits" | "tally"> & TriageDeps & AnswerDeps;

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
      const claimed = await db.transaction(async (tx) => {
        const row = await claimMessage(tx, id, ctx.user.id, from);
        if (!row) return undefined;
        if (from === "held") {
          await countAssistantMessage(tx, ctx.user.id, statDate(now()));
        }
        await openDelivery(tx, chatDelivery(ctx, id));
        return row;
      });
      if (!claimed) return await ack(ctx, ALREADY_HANDLED);
      if (from === "held") d.tally.count(claimed.assistant, now()); // the day's total, now
      await ack(ctx);
      await ctx.editMessageReplyMarkup().catch(() => {}); // the button has done its job
      endFlow(ctx);
      ctx.session.flow = "chat";
      ctx.session.assistant = claimed.assistant;
      const job = { assistant: claimed.assistant, messageId: id, text: claimed.content };
      await answerClaimed(ctx, d, job);
    });
  }

  // Messages in a chat; commands pass through to their features.
  c.filter((ctx) => ctx.session.flow === "chat" && isAssistant(ctx.session.assistant))
    .on("message", async (ctx, next) => {
      const text = ctx.message.text;
      if (text?.startsWith("/")) return await next();
      if (text === undefined) return void await ctx.reply(TEXT_ONLY_IN_CHAT);
      const assistant = ctx.session.assistant!;
      const since = performance.now();
      // At once: the triage and the model take a while before any text shows. Awaited before
      // anything is sent, so it never comes after the reply.
      const typing = ctx.replyWithChatAction("typing").then(() => {}, () => {});
      let early: Generation | undefined;
      try {
        const { db, limits } = d;
        const limit = limits.freeDailyMessages;
        const subscribed = isSubscribed(ctx.user.subscription_until, d.now());
        // Crisis mode answers every message with a check-in: no model, nothing to read for one.
        const answerable = !ctx.user.crisis_since;
        // The triage's reads and the prompt's together; the free limit's only when the model
        // may be asked before the verdict (moderation or the judge on).
        const [triaging, parts, used] = await Promise.all([
          triage(ctx, d, assistant, text),
          answerable ? readPromptParts(ctx, d, assistant, text) : undefined,
          answerable && !subscribed && d.safety.online
            ? usedToday(db, ctx.user.id, d.now())
            : undefined,
        ]);
        // The model is asked while moderation and the judge decide (before them: its request is
        // on its way first), and its text held until the verdict. The prompt depends on the care,
        // so it is asked with the care the analyser expects; a verdict with another care (rare:
        // the judge reading a frame, moderation finding self-harm) cancels it and answer.ts asks
        // again with the right one, as it would have without this start. Not asked when the
        // verdict is in already (nothing to wait for: asked once the message is taken), when the
        // analyser finds a crisis (the card is by far the likelier end, and no text is made for
        // it), in crisis mode, or for a message the free limit will hold.
        const expected = triaging.expected;
        const atLimit = !expected?.care && !subscribed && (used ?? 0) >= limit;
        if (expected && parts && !atLimit) {
          try {
            early = generate(ctx, d, parts, expected.care);
          } catch {
            // A prompt that cannot be composed fails in answer.ts again, where it is reported.
          }
        }
        const guard = await triaging.decide({
          // The crisis card or a check-in comes instead: the model's answer is stopped first.
          beforeReply: () => {
            early?.cancel("a crisis verdict");
            return typing;
          },
        });
        if (guard.handled) return;
        // No limit and no paywall in front of someone in distress or just after a crisis.
        const free = !subscribed && !guard.care;
        const taken = await db.transaction((tx) =>
          take(tx, ctx, d, { assistant, text, care: guard.care, limit: free ? limit : undefined })
        );
        if (taken === "again") return; // taken before by this update, and answered then
        if (taken.counts) d.tally.count(taken.counts, d.now());
        if (taken.held) {
          await typing;
          return await show(ctx, limitScreen(limit), { fresh: true });
        }
        const job = { assistant, messageId: taken.id, text, care: guard.care };
        await deliverAnswer(ctx, d, { ...job, early, parts, typing, since });
        if (free && limit - taken.n <= WARN_LEFT) {
          await ctx.reply(freeLeftText(limit - taken.n, limit));
        }
      } finally {
        // Not answered (held, answered before, a failure on the way): never shown, stopped.
        early?.cancel("the message was not answered");
      }
    });
  return c;
}

/** A chat answer's delivery for the update in hand; `care` is unknown until triaged. */
function chatDelivery(ctx: BotContext, messageId: number, care?: Care | "none") {
  return {
    updateId: ctx.update.update_id,
    userId: ctx.user.id,
    chatId: ctx.chat!.id,
    kind: "chat" as const,
    subjectId: messageId,
    care,
  };
}

/**
 * Takes a typed message, in one transaction: counted against the day (and the free `limit`),
 * saved, and its answer's delivery opened — or, over the limit, kept to be answered after
 * payment. "again" when this update took it before (it is handled a second time).
 */
async function take(
  tx: Queryable,
  ctx: BotContext,
  d: ChatDeps,
  m: { assistant: Assistant; text: string; care?: Care; limit?: number },
) {
  const updateId = ctx.update.update_id;
  // Taken from the inbox for the first time: it saved nothing before, so there is nothing to look up.
  const before = ctx.firstRun ? undefined : await messageOfUpdate(tx, updateId);
  if (before) return before.status === "held" ? { id: before.id, held: true, n: 0 } : "again";
  const t = d.now();
  const n = m.care
    ? 0 // not counted towards the limit
    : await countAssistantMessage(tx, ctx.user.id, statDate(t), m.limit);
  if (n === undefined) {
    const id = await saveUserMessage(tx, ctx.user.id, m.assistant, m.text, t, "held", updateId);
    return { id, held: true, n: 0, counts: "free_limit_reached" as const };
  }
  const id = await saveUserMessage(tx, ctx.user.id, m.assistant, m.text, t, "pending", updateId);
  await openDelivery(tx, chatDelivery(ctx, id, m.care ?? "none"));
  return { id, held: false, n, counts: m.assistant };
}
