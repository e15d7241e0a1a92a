// /start and onboarding: welcome with an honest disclaimer and a consent button, then how to
// address the user, age and gender, each with Back, each answer saved as soon as it is given.
// The same steps, started from the profile, edit the personal info. /start always ends the
// current flow; a deep link (quiz_<category> or a campaign tag) is recorded as the source.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, OnboardingStep } from "../context.ts";
import { ack, escapeHtml, type Screen, show } from "../ui.ts";
import { endFlow, showMenu } from "./menu.ts";
import { PROFILE, showProfile } from "./profile.ts";
import { showQuizIntro } from "./quiz.ts";
import { STALE_BUTTON } from "./fallback.ts";
import { isQuizCategory, quizFromPayload } from "../../quiz/categories.ts";
import {
  AGE_MAX,
  AGE_MIN,
  cleanName,
  CONSENT_VERSION,
  finishOnboarding,
  GENDER_NAMES,
  NAME_MAX,
  parseAge,
  parseGender,
  type ProfileField,
  recordConsent,
  recordSource,
  setProfileField,
} from "../../users/users.ts";
import { countDaily, statDate } from "../../stats/daily.ts";
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
function defaultName(ctx: BotContext): string | undefined {
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

interface GoToOptions {
  /** Why the same step is shown again (invalid input): shown with a warning sign. */
  hint?: string;
  /** A line of context before the question. */
  lead?: string;
  fresh?: boolean;
}

async function goTo(ctx: BotContext, step: OnboardingStep, opts: GoToOptions = {}) {
  ctx.session.flow = "onboarding";
  ctx.session.step = step;
  const lead = opts.hint ? `⚠️ ${opts.hint}` : opts.lead;
  ctx.session.screen = await show(ctx, stepScreen(ctx, step, lead), { fresh: opts.fresh });
}

/** Starts (or resumes) onboarding, or — for someone who finished it — the menu or the quiz. */
async function start(ctx: BotContext, payload: string) {
  const quiz = quizFromPayload(payload);
  endFlow(ctx);
  if (/^[A-Za-z0-9_-]{1,64}$/.test(payload)) {
    await recordSource(ctx.services.db, ctx.user.id, payload);
  }
  if (ctx.user.onboarded_at) {
    if (quiz) await showQuizIntro(ctx, quiz, { fresh: true });
    else await showMenu(ctx, { fresh: true });
    return;
  }
  if (quiz) ctx.session.pendingQuiz = quiz;
  if (hasConsent(ctx)) await goTo(ctx, "name", { lead: texts.resume, fresh: true });
  else await goTo(ctx, "consent", { fresh: true });
}

async function finish(ctx: BotContext) {
  if (ctx.session.edit) return await showProfile(ctx, { fresh: !ctx.callbackQuery });
  const { db, now } = ctx.services;
  const t = now();
  if (await finishOnboarding(db, ctx.user.id, t)) await countDaily(db, statDate(t), "onboarded");
  const quiz = ctx.session.pendingQuiz;
  const greeting = texts.done(escapeHtml(ctx.user.display_name ?? ctx.user.first_name ?? ""));
  const fresh = !ctx.callbackQuery;
  if (quiz && isQuizCategory(quiz)) {
    await showQuizIntro(ctx, quiz, { fresh, lead: greeting });
  } else {
    await showMenu(ctx, { fresh, greeting });
  }
}

/** Saves one answer and keeps the user's record in this update current. */
async function save(ctx: BotContext, answer: ProfileField) {
  const { db, now } = ctx.services;
  await setProfileField(db, ctx.user.id, answer, now());
  Object.assign(ctx.user, { [answer.field]: answer.value });
}

/** A button of step `step` counts only while the chat is on that step. */
function onStep(step: OnboardingStep, handler: (ctx: BotContext) => Promise<void>) {
  return async (ctx: BotContext) => {
    const s = ctx.session;
    if (s.flow === "onboarding" && s.step === step) {
      await ack(ctx);
      return await handler(ctx);
    }
    if (ctx.callbackQuery?.message?.message_id === s.screen && s.flow === "onboarding") {
      return await ack(ctx); // a double tap on the screen that has already moved on
    }
    await ack(ctx, STALE_BUTTON);
    await resumeOrMenu(ctx);
  };
}

/** Asks for consent first: nothing but /start and /help works without it. */
/** Consent to the current terms (a new CONSENT_VERSION asks again). */
export function hasConsent(ctx: BotContext): boolean {
  return !!ctx.user.consent_at && ctx.user.consent_version === CONSENT_VERSION;
}

export async function requireConsent(ctx: BotContext, next: () => Promise<void>) {
  if (hasConsent(ctx)) return await next();
  await ack(ctx, texts.consentFirst);
  endFlow(ctx);
  await goTo(ctx, "consent", { fresh: true });
}

/** Shows where the chat really is: the current onboarding step, the consent, or the menu. */
export async function resumeOrMenu(ctx: BotContext) {
  const s = ctx.session;
  if (s.flow === "onboarding" && s.step) return await goTo(ctx, s.step, { fresh: true });
  if (!hasConsent(ctx)) return await goTo(ctx, "consent", { fresh: true });
  await showMenu(ctx, { fresh: true });
}

export function onboardingFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("start", (ctx) => start(ctx, ctx.match.trim()));

  c.callbackQuery(
    OB.consent,
    onStep("consent", async (ctx) => {
      await recordConsent(ctx.services.db, ctx.user.id, ctx.services.now());
      ctx.user.consent_at = ctx.services.now();
      ctx.user.consent_version = CONSENT_VERSION;
      // Someone who knew us already agreed to changed terms: back to where they were.
      if (ctx.user.onboarded_at) return await showMenu(ctx);
      await goTo(ctx, "name");
    }),
  );
  c.callbackQuery(
    OB.nameDefault,
    onStep("name", async (ctx) => {
      const name = defaultName(ctx);
      if (!name) return await goTo(ctx, "name", { hint: texts.badName(NAME_MAX) });
      await save(ctx, { field: "display_name", value: name });
      await goTo(ctx, "age");
    }),
  );
  c.callbackQuery(
    OB.nameBack,
    onStep("name", async (ctx) => {
      if (ctx.session.edit) return await showProfile(ctx);
      await goTo(ctx, "consent");
    }),
  );
  c.callbackQuery(
    OB.ageSkip,
    onStep("age", async (ctx) => {
      await save(ctx, { field: "age", value: null });
      await goTo(ctx, "gender");
    }),
  );
  c.callbackQuery(OB.ageBack, onStep("age", (ctx) => goTo(ctx, "name")));
  for (
    const [data, gender] of [[OB.female, "female"], [OB.male, "male"], [
      OB.genderSkip,
      null,
    ]] as const
  ) {
    c.callbackQuery(
      data,
      onStep("gender", async (ctx) => {
        await save(ctx, { field: "gender", value: gender });
        await finish(ctx);
      }),
    );
  }
  c.callbackQuery(OB.genderBack, onStep("gender", (ctx) => goTo(ctx, "age")));
  c.callbackQuery(PROFILE.edit, async (ctx) => {
    await ack(ctx);
    endFlow(ctx);
    ctx.session.edit = true;
    await goTo(ctx, "name");
  });

  // Typed answers, and anything else sent while a step waits for an answer.
  // Commands pass through to their features, which end the flow.
  c.filter((ctx) => ctx.session.flow === "onboarding" && ctx.message !== undefined)
    .on("message", async (ctx, next) => {
      const step = ctx.session.step ?? "consent";
      const text = ctx.message.text;
      if (text?.startsWith("/")) return await next();
      if (step === "name" && text !== undefined) {
        const name = cleanName(text);
        if (!name) return await goTo(ctx, "name", { hint: texts.badName(NAME_MAX), fresh: true });
        await save(ctx, { field: "display_name", value: name });
        return await goTo(ctx, "age", { fresh: true });
      }
      if (step === "age" && text !== undefined) {
        const age = parseAge(text);
        if (age === undefined) {
          return await goTo(ctx, "age", { hint: texts.badAge(AGE_MIN, AGE_MAX), fresh: true });
        }
        await save(ctx, { field: "age", value: age });
        return await goTo(ctx, "gender", { fresh: true });
      }
      const gender = step === "gender" && text !== undefined ? parseGender(text) : undefined;
      if (gender) {
        await save(ctx, { field: "gender", value: gender });
        return await finish(ctx);
      }
      const hint = step === "name" || step === "age"
        ? texts.textPlease
        : step === "consent"
        ? texts.consentPlease
        : texts.buttonPlease;
      await goTo(ctx, step, { hint, fresh: true });
    });
  return c;
}
