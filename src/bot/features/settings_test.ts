// The style settings composer's own edge cases: forged `st:` data, the origin a change keeps,
// settings opened from a chat, and a settings button from someone who has not agreed yet.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../../../tests/harness/bot.ts";
import { count } from "../../../tests/harness/db.ts";
import { ALICE, BOB, buttons, Updates } from "../../../tests/harness/telegram.ts";
import { startOpenAiMock } from "../../../tests/harness/openai_mock.ts";
import { MENU, PROFILE, STALE_BUTTON } from "../nav.ts";
import { texts } from "../screens/onboarding_texts.ts";
import { DEFAULT_STYLE, TONES } from "../../style/style.ts";
import { UNKNOWN_TEXT } from "./fallback.ts";
import { settingsCard, ST } from "./settings.ts";

Deno.test("settings: forged st: data (unknown key, another setting's value, bad origin) gets the stale toast and saves nothing", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/settings"));
  t.api.clear();
  const forged = [
    "st:mood:m",
    "st:set:tone:coach:m", // coach is a personality, not a tone
    "st:set:length:huge:m",
    "st:set:tone:ironic:x",
    "st:set:tone:ironic",
    "st:card",
  ];
  for (const data of forged) await t.send(u.callback(ALICE, data, 102));
  assert.deepEqual(
    t.api.of("answerCallbackQuery").map((p) => p.text),
    forged.map(() => STALE_BUTTON),
  );
  // Each time the card as it is, unchanged.
  const card = settingsCard(DEFAULT_STYLE, "m").text;
  assert.deepEqual(t.api.of("editMessageText").map((p) => p.text), forged.map(() => card));
  assert.equal(await count(t, "user_settings"), 0);
});

Deno.test("settings: a change made from the profile's card keeps «К профилю» as the way back", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.callback(ALICE, MENU.profile, 101), u.callback(ALICE, PROFILE.settings, 101));
  t.api.clear();
  await t.send(u.callback(ALICE, ST.set("tone", "ironic", "p"), 101));
  const [toast] = t.api.of("answerCallbackQuery");
  assert.match(String(toast!.text), /Тон изменён/);
  assert.ok(String(toast!.text).endsWith(TONES.ironic));
  const [edit] = t.api.of("editMessageText");
  assert.equal(edit!.text, settingsCard({ ...DEFAULT_STYLE, tone: "ironic" }, "p").text);
  assert.ok(buttons(edit).includes(PROFILE.show), "Back leads to the profile");
  assert.ok(!buttons(edit).includes(MENU.main), "and not to the menu");
});

Deno.test("settings: opening settings from a chat ends the chat — the next message is not sent to the model", async () => {
  await using openai = await startOpenAiMock();
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.callback(ALICE, MENU.settings, 102));
  assert.equal(t.api.of("editMessageText")[0]!.text, settingsCard(DEFAULT_STYLE, "m").text);
  await t.send(u.text(ALICE, "Мне сегодня тревожно."));
  assert.equal(t.api.texts().at(-1), UNKNOWN_TEXT);
  assert.equal(openai.requests.length, 0);
  assert.equal(await count(t, "conversation_history"), 0);
});

Deno.test("settings: a style button from someone who has not agreed yet asks for consent and saves nothing", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await t.send(u.command(BOB, "/start"));
  t.api.clear();
  await t.send(u.callback(BOB, ST.set("tone", "ironic", "m"), 101));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [texts.consentFirst]);
  assert.deepEqual(t.api.texts(), [texts.welcome]);
  assert.equal(await count(t, "user_settings"), 0);
});
