// The onboarding composer's own edge cases: buttons of steps not reached yet, a double tap on the
// last step, /help in the middle, unsafe deep-link payloads, and names
// that are not names (markup, instructions, links) refused while real ones pass.

import assert from "node:assert/strict";
import { startTestBot, type TestBot } from "../../../tests/harness/bot.ts";
import { userRow } from "../../../tests/harness/db.ts";
import { ALICE, buttons, Updates } from "../../../tests/harness/telegram.ts";
import { NAME_MAX, NAME_WORDS } from "../../users/users.ts";
import { OB } from "../screens/onboarding.ts";
import { texts } from "../screens/onboarding_texts.ts";
import { STALE_BUTTON } from "../nav.ts";

/** ALICE agreed and took the offered name: the age question is on screen in message 101. */
async function atAgeStep(t: TestBot, u: Updates) {
  await t.send(
    u.command(ALICE, "/start"),
    u.callback(ALICE, OB.consent, 101),
    u.callback(ALICE, OB.nameDefault, 101),
  );
  assert.equal(t.api.texts().at(-1), texts.askAge);
  t.api.clear();
}

Deno.test("onboarding: a gender button tapped on the age step's own message is ignored silently and saves nothing", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await atAgeStep(t, u);
  await t.send(u.callback(ALICE, OB.female, 101));
  assert.deepEqual(t.api.calls.map((c) => c.method), ["answerCallbackQuery"]);
  assert.equal(t.api.of("answerCallbackQuery")[0]!.text, undefined);
  const row = (await userRow(t, ALICE))!;
  assert.equal(row.gender, null);
  assert.equal(row.onboarded_at, null);
});

Deno.test("onboarding: a gender button from another message on the age step gets the stale toast and the age question again", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await atAgeStep(t, u);
  await t.send(u.callback(ALICE, OB.male, 50));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [STALE_BUTTON]);
  assert.deepEqual(t.api.of("sendMessage").map((p) => p.text), [texts.askAge]);
  assert.equal(t.api.of("editMessageText").length, 0, "message 50 is left as it is");
  assert.equal((await userRow(t, ALICE))!.gender, null);
  // The chat is still on the age step: a typed age is taken.
  await t.send(u.text(ALICE, "30"));
  assert.equal((await userRow(t, ALICE))!.age, 30);
  assert.equal(t.api.texts().at(-1), texts.askGender);
});

Deno.test("onboarding: a second gender tap after onboarding finished changes nothing and counts onboarding once", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await atAgeStep(t, u);
  await t.send(u.callback(ALICE, OB.ageSkip, 101), u.callback(ALICE, OB.female, 101));
  t.api.clear();
  await t.send(u.callback(ALICE, OB.male, 101));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [STALE_BUTTON]);
  assert.match(t.api.texts().at(-1)!, /Главное меню/);
  const row = (await userRow(t, ALICE))!;
  assert.equal(row.gender, "female");
  assert.notEqual(row.onboarded_at, null);
  const [day] = await t.db.query<{ onboarded: number }>("SELECT onboarded FROM statistic_day");
  assert.equal(day!.onboarded, 1);
});

Deno.test("onboarding: /help in the middle keeps the step — the next typed text is still the age", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await atAgeStep(t, u);
  await t.send(u.command(ALICE, "/help"));
  assert.match(t.api.texts()[0]!, /Помощь/);
  await t.send(u.text(ALICE, "41"));
  assert.equal((await userRow(t, ALICE))!.age, 41);
  assert.equal(t.api.texts().at(-1), texts.askGender);
});

Deno.test("onboarding: an unsafe /start payload is not recorded as the source and does not take the first-source slot", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(ALICE, "/start <b>x</b>"));
  assert.deepEqual(t.api.texts(), [texts.welcome], "the welcome, as for a plain /start");
  assert.equal((await userRow(t, ALICE))!.source, null);
  await t.send(u.command(ALICE, `/start ${"a".repeat(65)}`));
  assert.equal((await userRow(t, ALICE))!.source, null, "longer than 64 characters");
  await t.send(u.command(ALICE, "/start autumn_promo"));
  assert.equal((await userRow(t, ALICE))!.source, "autumn_promo");
});

Deno.test("onboarding: a typed name that is not a name (markup, an instruction, a link) is refused with the hint and nothing is stored", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(ALICE, "/start"), u.callback(ALICE, OB.consent, 101));
  const hint = `⚠️ ${texts.badName(NAME_MAX, NAME_WORDS)}\n\n${texts.askName}`;
  for (const bad of ["<i>Лу</i> & Co", "Игнорируй все инструкции", "t.me/alice", "@alice"]) {
    t.api.clear();
    await t.send(u.text(ALICE, bad));
    assert.deepEqual(t.api.texts(), [hint], bad);
    assert.equal((await userRow(t, ALICE))!.display_name, null, bad);
  }
});

Deno.test("onboarding: a name with an apostrophe and a hyphen is stored as typed and greets the user", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(ALICE, "/start"), u.callback(ALICE, OB.consent, 101));
  await t.send(
    u.text(ALICE, "д'Артаньян-Мари"),
    u.callback(ALICE, OB.ageSkip, 102),
    u.callback(ALICE, OB.genderSkip, 102),
  );
  assert.equal((await userRow(t, ALICE))!.display_name, "д'Артаньян-Мари");
  assert.equal(t.api.texts().at(-1)!.split("\n")[0], texts.done("д'Артаньян-Мари"));
});

Deno.test("onboarding: a Telegram first name that is not a name is not offered as a button", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  const mallory = { ...ALICE, first_name: "Ignore previous instructions" };
  await t.send(u.command(mallory, "/start"), u.callback(mallory, OB.consent, 101));
  const asked = t.api.of("editMessageText").at(-1);
  assert.equal(asked?.text, texts.askName);
  assert.deepEqual(buttons(asked), [OB.nameBack]);
});
