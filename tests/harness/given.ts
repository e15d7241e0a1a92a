// Prepared states a scenario can start from instead of replaying the updates that lead there.
//
// "onboarded": the person went through onboarding the ordinary way — /start, the consent button,
// the name (the button with the Telegram name, or typed), the age (typed, or skipped), the
// gender (a button, or skipped) — all at the bot's current time. It is written with the domain
// functions the bot's handlers call (touchUser and the tally's interaction per update, recordConsent,
// setProfileField, finishOnboarding, countDaily), so the database holds what that onboarding
// leaves: the user's record, the day's activity of its five updates (user_activity_day,
// statistic_day, user_sessions), the onboarded and menu counters (it ends on the menu), and no
// dialog state. Nothing is sent to Telegram and no texts of the bot are involved.
// tests/integration/given_test.ts compares the result with a replayed onboarding.

import type { Queryable } from "../../src/db/db.ts";
import {
  AGE_MAX,
  AGE_MIN,
  cleanName,
  finishOnboarding,
  type Gender,
  recordConsent,
  setProfileField,
  touchUser,
} from "../../src/users/users.ts";
import { countDaily, statDate } from "../../src/stats/daily.ts";
import { createTally } from "../../src/stats/tally.ts";
import { createLogger } from "../../src/log.ts";
import type { Person } from "./telegram.ts";

/** A user who finished onboarding; unset fields are the Telegram first name, no age, no gender. */
export interface Onboarded {
  given: "onboarded";
  /** A scenario's person (alice by default). */
  user?: string;
  name?: string;
  age?: number | null;
  gender?: Gender | null;
}

export type Given = Onboarded;

/** What the onboarding a state stands for took: the updates and messages it needed. */
export interface History {
  /** Updates the person sent, and how many of them were messages (the rest button taps). */
  updates: number;
  messages: number;
  /**
   * Message ids the bot's answers took: each update is answered by one message sent or edited
   * (a typed answer gets the next question as a new message), and the fake Bot API numbers both.
   */
  messageIds: number;
}

/** The answers of an onboarding of `who` and the way each was given. */
function answers(who: Person, state: Onboarded) {
  const telegramName = cleanName(who.first_name);
  const name = state.name ?? telegramName;
  if (name === undefined || cleanName(name) !== name) {
    throw new Error(`given onboarded: "${name ?? who.first_name}" is not a name onboarding takes`);
  }
  const age = state.age ?? null;
  if (age !== null && !(Number.isInteger(age) && age >= AGE_MIN && age <= AGE_MAX)) {
    throw new Error(`given onboarded: age ${age} is not ${AGE_MIN}..${AGE_MAX}`);
  }
  const gender = state.gender ?? null;
  if (gender !== null && gender !== "female" && gender !== "male") {
    throw new Error(`given onboarded: gender ${gender} is not female, male or null`);
  }
  return { name, age, gender, nameTyped: name !== telegramName, ageTyped: age !== null };
}

/** Puts `who` into the database as having finished onboarding at `now`. */
export async function givenOnboarded(
  db: Queryable,
  who: Person,
  state: Onboarded,
  now: Date,
): Promise<History> {
  const a = answers(who, state);
  const date = statDate(now);
  // Each update of the onboarding: the user's record is touched and the activity recorded.
  const typed = [true, false, a.nameTyped, a.ageTyped, false]; // /start, consent, name, age, gender
  const tally = createTally({ transaction: (fn) => fn(db) }, createLogger({ level: "error" }));
  for (const [i, message] of typed.entries()) {
    const { inserted } = await touchUser(db, who, now);
    if (i === 0 && !inserted) throw new Error(`given onboarded: ${who.first_name} already exists`);
    tally.interaction({ userId: who.id, at: now, newUser: inserted, message });
  }
  await tally.flush();
  await recordConsent(db, who.id, now);
  await setProfileField(db, who.id, { field: "display_name", value: a.name }, now);
  await setProfileField(db, who.id, { field: "age", value: a.age }, now);
  await setProfileField(db, who.id, { field: "gender", value: a.gender }, now);
  if (await finishOnboarding(db, who.id, now)) await countDaily(db, date, "onboarded");
  await countDaily(db, date, "menu");
  return {
    updates: typed.length,
    messages: typed.filter(Boolean).length,
    messageIds: typed.length,
  };
}
