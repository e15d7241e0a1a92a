// The personal safety plan: /plan (and the buttons in /sos) shows it or starts it; six short
// steps written in a calm moment, each skippable and editable later; it is shown first when a
// crisis comes, exported with the user's data and deleted with it.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack, escapeHtml, type Screen, show } from "../ui.ts";
import { BACK_TO_MENU, endFlow, MENU } from "../nav.ts";
import {
  deletePlan,
  getPlan,
  isEmptyPlan,
  PLAN_FIELD_MAX,
  PLAN_STEPS,
  savePlanStep,
} from "../../safety/plan.ts";
import { PLAN, PLAN_TITLES, planText } from "../screens/crisis.ts";
import { type Helplines, mainNumber } from "../../safety/helplines.ts";

/** What the safety plan uses. */
export type PlanDeps = Pick<BotServices, "db" | "now" | "tally" | "helplines">;

/** The toast of an older step's button. */
export const STEP_PASSED = "Этот шаг уже позади — вот текущий.";

const INTRO = "📋 <b>План безопасности</b>\n\n" +
  "Это короткая памятка самому себе на трудную минуту: что подсказывает, что становится хуже, " +
  "что помогает, к кому обратиться. Её лучше составить, пока вам спокойно, — тогда в тяжёлый " +
  "момент не придётся ничего придумывать. Если вам станет очень плохо, я покажу её первой.\n\n" +
  "Шесть шагов, любой можно пропустить и потом изменить. Всё хранится только у нас, удалить " +
  "можно в любой момент.";

const QUESTIONS: Record<typeof PLAN_STEPS[number], (h: Helplines) => [string, string]> = {
  warning_signs: () => [
    "Какие мысли, чувства или ситуации подсказывают вам, что становится хуже?",
    "Например: «перестаю отвечать друзьям», «не сплю ночами», «думаю, что всем мешаю».",
  ],
  coping: () => [
    "Что вы можете сделать сами, чтобы немного успокоиться или переждать трудную минуту?",
    "Например: горячий душ, прогулка, любимая музыка, дыхание «квадрат», обнять кота.",
  ],
  distractions: () => [
    "Какие люди и места помогают вам отвлечься?",
    "Например: поболтать с сестрой, кофейня у дома, спортзал, парк.",
  ],
  helpers: () => [
    "Кого вы можете попросить о помощи, когда тяжело? Запишите имена и как с ними связаться.",
    "Например: «Мама — +7 …», «Лена — написать в Telegram».",
  ],
  professionals: (h) => [
    "К каким специалистам и службам вы можете обратиться?",
    `Например: ваш психолог или врач, телефон доверия ${mainNumber(h)}, в опасности — 112.`,
  ],
  environment: () => [
    "Как сделать обстановку безопаснее, когда вам плохо?",
    "Например: отдать лекарства на хранение близкому, убрать острые предметы, не оставаться " +
    "в одиночестве.",
  ],
};

function stepScreen(d: PlanDeps, i: number, current: string | null): Screen {
  const step = PLAN_STEPS[i]!;
  const [question, hint] = QUESTIONS[step](d.helplines);
  const now = current ? `\n\nСейчас записано:\n<i>${escapeHtml(current)}</i>` : "";
  return {
    text: `📋 Шаг ${i + 1} из ${PLAN_STEPS.length}. <b>${PLAN_TITLES[step]}</b>\n\n` +
      `${question}\n\n<i>${hint}</i>${now}`,
    keyboard: new InlineKeyboard().text(current ? "Оставить как есть" : "Пропустить", PLAN.skip(i))
      .row().text(BACK_TO_MENU, MENU.main),
  };
}

async function showPlan(
  ctx: BotContext,
  d: PlanDeps,
  opts: { fresh?: boolean; lead?: string } = {},
) {
  endFlow(ctx);
  const plan = await getPlan(d.db, ctx.user.id);
  if (!plan || isEmptyPlan(plan)) {
    return await show(ctx, {
      text: (opts.lead ? `${opts.lead}\n\n` : "") + INTRO,
      keyboard: new InlineKeyboard().text("✍️ Составить план", PLAN.start).row()
        .text(BACK_TO_MENU, MENU.main),
    }, opts);
  }
  await show(ctx, {
    text: (opts.lead ? `${opts.lead}\n\n` : "") + planText(plan),
    keyboard: new InlineKeyboard().text("✏️ Изменить", PLAN.edit)
      .text("🗑 Удалить", PLAN.delete).row().text(BACK_TO_MENU, MENU.main),
  }, opts);
}

async function askStep(ctx: BotContext, d: PlanDeps, i: number, edit: boolean, fresh: boolean) {
  const plan = await getPlan(d.db, ctx.user.id);
  endFlow(ctx);
  ctx.session.flow = "plan";
  ctx.session.planStep = i;
  ctx.session.edit = edit || undefined;
  ctx.session.screen = await show(ctx, stepScreen(d, i, plan?.[PLAN_STEPS[i]!] ?? null), {
    fresh,
  });
}

/** After a step: the next one, or the plan (when editing one step, or after the last). */
async function next(ctx: BotContext, d: PlanDeps, fresh: boolean) {
  const i = ctx.session.planStep ?? 0;
  if (ctx.session.edit || i + 1 >= PLAN_STEPS.length) {
    return await showPlan(ctx, d, { fresh, lead: "✅ План сохранён." });
  }
  await askStep(ctx, d, i + 1, false, fresh);
}

export function safetyPlanFeature(d: PlanDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("plan", (ctx) => showPlan(ctx, d, { fresh: true }));
  c.callbackQuery(PLAN.open, async (ctx) => {
    await ack(ctx);
    await showPlan(ctx, d, { fresh: true });
  });
  c.callbackQuery(PLAN.start, async (ctx) => {
    await ack(ctx);
    await askStep(ctx, d, 0, false, false);
  });
  c.callbackQuery(PLAN.edit, async (ctx) => {
    await ack(ctx);
    const keyboard = new InlineKeyboard();
    PLAN_STEPS.forEach((s, i) => keyboard.text(PLAN_TITLES[s], PLAN.step(i)).row());
    await show(ctx, {
      text: "Какой пункт изменить?",
      keyboard: keyboard.text(BACK_TO_MENU, MENU.main),
    });
  });
  // A stale button falls through to the fallback: a short answer and the screen the chat is on.
  c.callbackQuery(PLAN.match.step, async (ctx, stale) => {
    const i = Number(ctx.match[1]);
    if (i >= PLAN_STEPS.length) return await stale();
    await ack(ctx);
    await askStep(ctx, d, i, true, false);
  });
  // «Пропустить» counts only for the step on screen: a double tap on a screen that has moved on
  // is ignored, and an older step's button shows the current step again.
  c.callbackQuery(PLAN.match.skip, async (ctx, stale) => {
    const s = ctx.session;
    if (s.flow !== "plan" || s.planStep === undefined) return await stale();
    if (Number(ctx.match[1]) !== s.planStep) {
      if (ctx.callbackQuery.message?.message_id === s.screen) return await ack(ctx);
      await ack(ctx, STEP_PASSED);
      return await askStep(ctx, d, s.planStep, !!s.edit, true);
    }
    await ack(ctx);
    await next(ctx, d, false);
  });
  c.callbackQuery(PLAN.delete, async (ctx) => {
    await ack(ctx);
    await show(ctx, {
      text: "Удалить план безопасности? Его можно будет составить заново.",
      keyboard: new InlineKeyboard().text("🗑 Да, удалить", PLAN.deleteYes)
        .text("Отмена", PLAN.open),
    });
  });
  c.callbackQuery(PLAN.deleteYes, async (ctx) => {
    await ack(ctx);
    await deletePlan(d.db, ctx.user.id);
    await showPlan(ctx, d, { lead: "🗑 План удалён." });
  });

  c.filter((ctx) => ctx.session.flow === "plan" && ctx.session.planStep !== undefined)
    .on("message", async (ctx, nextMiddleware) => {
      const text = ctx.message.text?.trim();
      if (text?.startsWith("/")) return await nextMiddleware();
      const i = ctx.session.planStep!;
      if (!text) {
        return void await ctx.reply(
          "Напишите, пожалуйста, словами — или нажмите «Пропустить».",
        );
      }
      if (text.length > PLAN_FIELD_MAX) {
        return void await ctx.reply(
          `Получилось длинно: в одном пункте помещается до ${PLAN_FIELD_MAX} символов, а у вас ` +
            `${text.length}. Сократите, пожалуйста, — главное, чтобы это легко было прочитать ` +
            "в трудную минуту.",
        );
      }
      const { db, now } = d;
      await savePlanStep(db, ctx.user.id, PLAN_STEPS[i]!, text, now());
      await next(ctx, d, true);
    });
  return c;
}
