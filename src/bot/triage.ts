// Crisis triage of a typed message, shared by the chats and the quiz. guardMessage (or triage,
// then decide) runs before any model answer is shown and decides, with the safety gate, how a
// message is treated:
//   acute   — a fixed, warm reply with the user's safety plan and help lines instead of a
//             generated one; the chat enters crisis mode, where every further message gets a
//             check-in until «Я в безопасности» (then 24 hours of gentle mode). The card offers
//             «Я не это имел(а) в виду»: the message is then answered carefully (concern).
//   concern — answered by the model with a safety instruction, then a soft line with help.
//   none    — answered as usual (gently, for 24 hours after a crisis).
// Events carry no text; operators are alerted without text. The buttons are answered by
// features/safety.ts and features/sos.ts.

import { InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "./context.ts";
import { ID, pattern } from "./callback_ids.ts";
import { enterCrisis, isGentle, recordEvent } from "../safety/store.ts";
import type { Place } from "../safety/tier.ts";
import type { Verdict } from "../safety/gate.ts";
import { getPlan, isEmptyPlan } from "../safety/plan.ts";
import type { Assistant, Care } from "../llm/prompts.ts";
import { isAssistant, markCrisis, recentUserTexts, saveUserMessage } from "../chat/history.ts";
import {
  ADMIN_ALERT,
  CHECK_IN,
  concernLine,
  crisisText,
  otherPersonLine,
  planText,
  violenceText,
} from "./screens/crisis.ts";

/** What the triage uses. */
export type TriageDeps = Pick<
  BotServices,
  "db" | "now" | "safety" | "helplines" | "alertChatId" | "pseudonym"
>;

export const SAFETY = {
  grounding: "safety:grounding",
  breathing: "safety:breathing",
  better: "safety:better",
  still: "safety:still",
  sos: "safety:sos",
  falseAlarm: (target: number | "quiz") => `safety:fa:${target}`,
  /** Parsers of the data built above. */
  match: { falseAlarm: pattern`safety:fa:(?:${ID}|(quiz))` },
} as const;

export const BUTTON_GONE = "Эта кнопка уже не действует";
/** The recent messages the triage reads with a new one must be this fresh. */
const CONTEXT_MS = 2 * 60 * 60 * 1000;

export const exercises = (k: InlineKeyboard) =>
  k.text("🫁 Заземление 5-4-3-2-1", SAFETY.grounding).text("🌬 Дыхание", SAFETY.breathing);
// No "I'm fine" here: the way back to normal goes through a check-in on the next message.
const crisisKeyboard = (target: number | "quiz") =>
  exercises(new InlineKeyboard()).row()
    .text("🙏 Я не это имел(а) в виду", SAFETY.falseAlarm(target));
export const checkInKeyboard = () =>
  new InlineKeyboard().text("✅ Я в безопасности, мне лучше", SAFETY.better).row()
    .text("😔 Мне всё ещё тяжело", SAFETY.still).row()
    .text("🫁 Упражнение на заземление", SAFETY.grounding);
export const sosButton = () => new InlineKeyboard().text("🆘 Мне тяжело", SAFETY.sos);

export type Guard = { handled: true } | { handled: false; care?: Care };

/** How to answer a message of concern: about the writer, or about someone else in crisis. */
export function careOf(verdict: Pick<Verdict, "about">): Care {
  return verdict.about === "other" ? "other" : "concern";
}

/**
 * Triage of a typed message before any model answer is shown. `handled`: the message got its
 * reply here (acute, or crisis mode) and must not be answered. Otherwise `care` says how to
 * answer it.
 */
export async function guardMessage(
  ctx: BotContext,
  d: TriageDeps,
  place: Place,
  text: string,
): Promise<Guard> {
  return await (await triage(ctx, d, place, text)).decide();
}

/** A typed message being triaged: the analyser has spoken, moderation and the judge may not yet. */
export interface Triaging {
  /**
   * While moderation or the judge are still to be asked: how the message will be answered unless
   * they find otherwise than the analyser did. Undefined when the verdict is in already (nothing
   * to wait for), or no model is likely to answer — crisis mode, or acute by the analyser.
   */
  readonly expected?: { care?: Care };
  /**
   * Asks the remaining layers and acts on the verdict: the card or a check-in (then `handled`),
   * or how to answer. `beforeReply` runs before the triage replies itself.
   */
  decide(opts?: { beforeReply?: () => Promise<unknown> }): Promise<Guard>;
}

/**
 * Begins the triage of a typed message: the writer's recent messages are read and the offline
 * analyser runs; `decide` does the rest. In between a caller may start what the verdict will
 * confirm or cancel (the chats start the model's answer, holding its text).
 */
export async function triage(
  ctx: BotContext,
  d: TriageDeps,
  place: Place,
  text: string,
): Promise<Triaging> {
  const { db, now, safety } = d;
  const t = now();
  const recent = isAssistant(place)
    ? await recentUserTexts(db, ctx.user.id, place, new Date(t.getTime() - CONTEXT_MS))
    : [];
  const checking = safety.begin({ text, place, recent });
  const gentle = isGentle(ctx.user, t) ? "gentle" as const : undefined;
  const likely = checking.settled ? undefined : checking.analyser;
  const expected = !likely || ctx.user.crisis_since || likely.tier === "acute"
    ? undefined
    : { care: likely.tier === "concern" ? careOf(likely) : gentle };
  return {
    expected,
    async decide(opts = {}) {
      const verdict = checking.settled ?? await checking.ask();
      ctx.log.debug("triage", {
        place,
        tier: verdict.tier,
        source: verdict.source,
        signals: verdict.layers.analyser.signals.join(",") || undefined,
      });
      if (verdict.tier === "acute") {
        await opts.beforeReply?.();
        await acute(ctx, d, place, text, verdict);
        return { handled: true };
      }
      if (ctx.user.crisis_since) {
        await opts.beforeReply?.();
        await recordEvent(db, ctx.user.id, "checkin", place, t);
        await ctx.reply(CHECK_IN, { reply_markup: checkInKeyboard() });
        return { handled: true };
      }
      if (verdict.tier === "concern") {
        await recordEvent(db, ctx.user.id, "concern", place, t, verdict.source);
        return { handled: false, care: careOf(verdict) };
      }
      return { handled: false, care: gentle };
    },
  };
}

/**
 * A message triaged before and answered again (a retry, a message kept at the free limit) is
 * triaged again, so that a hard message keeps its care, and one now judged acute gets the card
 * instead of an answer (it is kept as the acute message, id `messageId`).
 */
export async function retriage(
  ctx: BotContext,
  d: TriageDeps,
  place: Assistant,
  messageId: number,
  text: string,
): Promise<Guard> {
  const verdict = await d.safety.check({ text, place });
  if (verdict.tier === "acute") {
    // The card first: a message marked crisis has had it (an update taken up again after its
    // worker died triages the message again while it is still being answered).
    await acute(ctx, d, place, text, verdict, messageId);
    await markCrisis(d.db, messageId);
    return { handled: true };
  }
  if (verdict.tier === "concern") {
    return { handled: false, care: careOf(verdict) };
  }
  return { handled: false, care: isGentle(ctx.user, d.now()) ? "gentle" : undefined };
}

async function acute(
  ctx: BotContext,
  d: TriageDeps,
  place: Place,
  text: string,
  verdict: Verdict,
  kept?: number,
) {
  const { db, now, alertChatId, pseudonym, helplines } = d;
  const t = now();
  await enterCrisis(db, ctx.user.id, place, verdict.source, t);
  // Kept for «Я не это имел(а) в виду»; never shown to the model otherwise.
  const target = kept ??
    (isAssistant(place)
      ? await saveUserMessage(db, ctx.user.id, place, text, t, "crisis", ctx.update.update_id)
      : "quiz" as const);
  ctx.log.info("Crisis signal: answered with help, not the model", {
    place,
    source: verdict.source,
    violence: verdict.violence,
  });
  const plan = await getPlan(db, ctx.user.id);
  if (plan && !isEmptyPlan(plan)) await ctx.reply(planText(plan), { parse_mode: "HTML" });
  const card = verdict.violence ? violenceText(helplines) : crisisText(helplines);
  await ctx.reply(card, { parse_mode: "HTML", reply_markup: crisisKeyboard(target) });
  if (alertChatId) {
    await ctx.api.sendMessage(
      alertChatId,
      ADMIN_ALERT(pseudonym(ctx.user.id), place, verdict.source),
    )
      .catch((err) => ctx.log.warn("Cannot alert the operators", { err }));
  }
}

/** After an answer given with care: the soft line with help (none in gentle mode alone). */
export async function careFollowUp(
  ctx: BotContext,
  d: Pick<TriageDeps, "helplines">,
  care: Care | undefined,
) {
  if (care === "concern") {
    await ctx.reply(concernLine(d.helplines), {
      parse_mode: "HTML",
      reply_markup: sosButton(),
    });
  } else if (care === "other") {
    await ctx.reply(otherPersonLine(d.helplines), { parse_mode: "HTML" });
  }
}

/**
 * Help for a crisis typed where no chat's triage runs — before consent, at onboarding's steps,
 * or as text no feature takes — with nothing stored. `offline`: the analyser alone (before
 * consent nothing may leave the process; onboarding's short answers must not wait for a model);
 * `all`: every layer. Acute gets the crisis card and `true` (the message goes no further);
 * concern gets the soft line and `false` (the message goes on to what it was typed for).
 */
export async function helpIfCrisis(
  ctx: BotContext,
  d: Pick<TriageDeps, "safety" | "helplines">,
  text: string,
  layers: "offline" | "all",
): Promise<boolean> {
  const input = { text, place: "helper" as const };
  const verdict = layers === "all" ? await d.safety.check(input) : d.safety.checkOffline(input);
  if (verdict.tier === "none") return false;
  ctx.log.info("Crisis signal outside the chats: help shown, nothing stored", {
    tier: verdict.tier,
    source: verdict.source,
  });
  if (verdict.tier === "acute") {
    const card = verdict.violence ? violenceText(d.helplines) : crisisText(d.helplines);
    await ctx.reply(card, { parse_mode: "HTML", reply_markup: exercises(new InlineKeyboard()) });
    return true;
  }
  await careFollowUp(ctx, d, careOf(verdict));
  return false;
}
