// The onboarding steps as screens (consent, name, age, gender), shared: onboarding walks them,
// requireConsent and stale buttons return to the current one, and the profile re-runs them to
// edit the personal info.

import { InlineKeyboard } from "grammy";
import type { BotContext, OnboardingStep } from "../context.ts";
import { type Screen, show } from "../ui.ts";
import { type Clocked, showMenu } from "../nav.ts";
import { cleanName, CONSENT_VERSION, GENDER_NAMES } from "../../users/users.ts";
import { texts } from "./onboarding_texts.ts";

export const OB = {
  consent: "ob:consent",
  nameDefault: "ob:name:default",
  nameBack: "ob:name:back",
  ageSkip: "ob:age:skip",
  ageBack: "ob:age:back",
  female: "ob:gender:female",
  male: "ob:gender:male",
  genderSkip: "ob:gender:skip",
  genderBack: "ob:gender:back",
} as const;

const BACK = "⬅️ Назад";

/** The name offered as a one-tap answer: the current one when editing, else Telegram's. */
export function defaultName(ctx: BotContext): string | undefined {
  const current = ctx.session.edit ? ctx.user.display_name : undefined;
  return current ?? cleanName(ctx.user.first_name ?? "");
}

/** When editing, the age and gender prompts say what is stored now. */
function currentValue(ctx: BotContext, step: "age" | "gender"): string {
  if (!ctx.session.edit) return "";
  const u = ctx.user;
  const value = step === "age"
    ? (u.age === null ? "не указан" : String(u.age))
    : (u.gender ? GENDER_NAMES[u.gender] : "не указан");
  return `\n${texts.current(value)}`;
}

function stepScreen(ctx: BotContext, step: OnboardingStep, lead?: string): Screen {
  const prefix = lead ? `${lead}\n\n` : "";
  const kb = new InlineKeyboard();
  switch (step) {
    case "consent":
      return { text: prefix + texts.welcome, keyboard: kb.text(texts.consentButton, OB.consent) };
    case "name": {
      const name = defaultName(ctx);
      if (name) kb.text(name, OB.nameDefault).row();
      return { text: prefix + texts.askName, keyboard: kb.text(BACK, OB.nameBack) };
    }
    case "age":
      return {
        text: prefix + texts.askAge + currentValue(ctx, "age"),
        keyboard: kb.text("Не указывать", OB.ageSkip).row().text(BACK, OB.ageBack),
      };
    case "gender":
      return {
        text: prefix + texts.askGender + currentValue(ctx, "gender"),
        keyboard: kb.text("👩 Женский", OB.female).text("👨 Мужской", OB.male).row()
          .text("Не указывать", OB.genderSkip).row().text(BACK, OB.genderBack),
      };
  }
}

export interface GoToOptions {
  /** Why the same step is shown again (invalid input): shown with a warning sign. */
  hint?: string;
  /** A line of context before the question. */
  lead?: string;
  fresh?: boolean;
}

export async function goTo(ctx: BotContext, step: OnboardingStep, opts: GoToOptions = {}) {
  ctx.session.flow = "onboarding";
  ctx.session.step = step;
  const lead = opts.hint ? `⚠️ ${opts.hint}` : opts.lead;
  ctx.session.screen = await show(ctx, stepScreen(ctx, step, lead), { fresh: opts.fresh });
}

/** Consent to the current terms (a new CONSENT_VERSION asks again). */
export function hasConsent(ctx: BotContext): boolean {
  return !!ctx.user.consent_at && ctx.user.consent_version === CONSENT_VERSION;
}

/** Shows where the chat really is: the current onboarding step, the consent, or the menu. */
export async function resumeOrMenu(ctx: BotContext, d: Clocked) {
  const s = ctx.session;
  if (s.flow === "onboarding" && s.step) return await goTo(ctx, s.step, { fresh: true });
  if (!hasConsent(ctx)) return await goTo(ctx, "consent", { fresh: true });
  await showMenu(ctx, d, { fresh: true });
}
