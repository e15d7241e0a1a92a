// /start and onboarding: welcome with an honest disclaimer and a consent button, then how to
// address the user, age and gender, each with Back, each answer saved as soon as it is given.
// The same steps, started from the profile, edit the personal info. /start always ends the
// current flow; a deep link (quiz_<category> or a campaign tag) is recorded as the source.

import { Composer } from "grammy";
import type { BotContext, BotServices, OnboardingStep } from "../context.ts";
import { ack, escapeHtml } from "../ui.ts";
import { endFlow, PROFILE, showMenu, STALE_BUTTON } from "../nav.ts";
import { showProfile } from "../screens/profile.ts";
import { showQuizIntro } from "../screens/quiz.ts";
import { defaultName, goTo, hasConsent, OB, resumeOrMenu } from "../screens/onboarding.ts";
import { texts } from "../screens/onboarding_texts.ts";
import { isQuizCategory, quizFromPayload } from "../../quiz/categories.ts";
import {
  AGE_MAX,
  AGE_MIN,
  cleanName,
  CONSENT_VERSION,
  finishOnboarding,
  NAME_MAX,
  NAME_WORDS,
  parseAge,
  parseGender,
  type ProfileField,
  recordConsent,
  recordSource,
  setProfileField,
} from "../../users/users.ts";

/** What onboarding uses. */
export type OnboardingDeps = Pick<BotServices, "db" | "now" | "tally" | "quizzes">;

/** Starts (or resumes) onboarding, or — for someone who finished it — the menu or the quiz. */
async function start(ctx: BotContext, d: OnboardingDeps, payload: string) {
  const quiz = quizFromPayload(payload);
  endFlow(ctx);
  if (/^[A-Za-z0-9_-]{1,64}$/.test(payload)) {
    await recordSource(d.db, ctx.user.id, payload);
  }
  if (ctx.user.onboarded_at) {
    if (quiz) await showQuizIntro(ctx, d, quiz, { fresh: true });
    else await showMenu(ctx, d, { fresh: true });
    return;
  }
  if (quiz) ctx.session.pendingQuiz = quiz;
  if (hasConsent(ctx)) await goTo(ctx, "name", { lead: texts.resume, fresh: true });
  else await goTo(ctx, "consent", { fresh: true });
}

async function finish(ctx: BotContext, d: OnboardingDeps) {
  if (ctx.session.edit) return await showProfile(ctx, d, { fresh: !ctx.callbackQuery });
  const { db, now } = d;
  const t = now();
  if (await finishOnboarding(db, ctx.user.id, t)) d.tally.count("onboarded", t);
  const quiz = ctx.session.pendingQuiz;
  const greeting = texts.done(escapeHtml(ctx.user.display_name ?? ctx.user.first_name ?? ""));
  const fresh = !ctx.callbackQuery;
  if (quiz && isQuizCategory(quiz)) {
    await showQuizIntro(ctx, d, quiz, { fresh, lead: greeting });
  } else {
    await showMenu(ctx, d, { fresh, greeting });
  }
}

/** Saves one answer and keeps the user's record in this update current. */
async function save(ctx: BotContext, d: OnboardingDeps, answer: ProfileField) {
  const { db, now } = d;
  await setProfileField(db, ctx.user.id, answer, now());
  Object.assign(ctx.user, { [answer.field]: answer.value });
}

/** A button of step `step` counts only while the chat is on that step. */
function onStep(
  d: OnboardingDeps,
  step: OnboardingStep,
  handler: (ctx: BotContext) => Promise<void>,
) {
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
    await resumeOrMenu(ctx, d);
  };
}

/** Asks for consent first: only what comes before it in the chain works without it. */
export async function requireConsent(ctx: BotContext, next: () => Promise<void>) {
  if (hasConsent(ctx)) return await next();
  await ack(ctx, texts.consentFirst);
  endFlow(ctx);
  await goTo(ctx, "consent", { fresh: true });
}

export function onboardingFeature(d: OnboardingDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("start", (ctx) => start(ctx, d, ctx.match.trim()));

  c.callbackQuery(
    OB.consent,
    onStep(d, "consent", async (ctx) => {
      await recordConsent(d.db, ctx.user.id, d.now());
      ctx.user.consent_at = d.now();
      ctx.user.consent_version = CONSENT_VERSION;
      // Someone who knew us already agreed to changed terms: back to where they were.
      if (ctx.user.onboarded_at) return await showMenu(ctx, d);
      await goTo(ctx, "name");
    }),
  );
  c.callbackQuery(
    OB.nameDefault,
    onStep(d, "name", async (ctx) => {
      const name = defaultName(ctx);
      if (!name) return await goTo(ctx, "name", { hint: texts.badName(NAME_MAX, NAME_WORDS) });
      await save(ctx, d, { field: "display_name", value: name });
      await goTo(ctx, "age");
    }),
  );
  c.callbackQuery(
    OB.nameBack,
    onStep(d, "name", async (ctx) => {
      if (ctx.session.edit) return await showProfile(ctx, d);
      await goTo(ctx, "consent");
    }),
  );
  c.callbackQuery(
    OB.ageSkip,
    onStep(d, "age", async (ctx) => {
      await save(ctx, d, { field: "age", value: null });
      await goTo(ctx, "gender");
    }),
  );
  c.callbackQuery(OB.ageBack, onStep(d, "age", (ctx) => goTo(ctx, "name")));
  for (
    const [data, gender] of [[OB.female, "female"], [OB.male, "male"], [
      OB.genderSkip,
      null,
    ]] as const
  ) {
    c.callbackQuery(
      data,
      onStep(d, "gender", async (ctx) => {
        await save(ctx, d, { field: "gender", value: gender });
        await finish(ctx, d);
      }),
    );
  }
  c.callbackQuery(OB.genderBack, onStep(d, "gender", (ctx) => goTo(ctx, "age")));
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
        if (!name) {
          return await goTo(ctx, "name", {
            hint: texts.badName(NAME_MAX, NAME_WORDS),
            fresh: true,
          });
        }
        await save(ctx, d, { field: "display_name", value: name });
        return await goTo(ctx, "age", { fresh: true });
      }
      if (step === "age" && text !== undefined) {
        const age = parseAge(text);
        if (age === undefined) {
          return await goTo(ctx, "age", { hint: texts.badAge(AGE_MIN, AGE_MAX), fresh: true });
        }
        await save(ctx, d, { field: "age", value: age });
        return await goTo(ctx, "gender", { fresh: true });
      }
      const gender = step === "gender" && text !== undefined ? parseGender(text) : undefined;
      if (gender) {
        await save(ctx, d, { field: "gender", value: gender });
        return await finish(ctx, d);
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
