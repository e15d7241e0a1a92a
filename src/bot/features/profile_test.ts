// /profile's edges: a stored name with HTML in it, a subscription that has run out, /profile in
// the middle of editing the personal info, and a card that never counts another user's data.

import assert from "node:assert/strict";
import { onboard, onboardAs, startTestBot } from "../../../tests/harness/bot.ts";
import { userRow } from "../../../tests/harness/db.ts";
import { ALICE, BOB, Updates } from "../../../tests/harness/telegram.ts";
import { MENU, PROFILE } from "../nav.ts";
import { texts } from "../screens/onboarding_texts.ts";
import { UNKNOWN_TEXT } from "./fallback.ts";
import { setStyle } from "../../style/settings.ts";

/** The card's line that starts with `label`. */
function line(card: string, label: string): string | undefined {
  return card.split("\n").find((l) => l.startsWith(label));
}

Deno.test("profile: a name with HTML in it, stored before names were checked, is shown escaped on the card", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  // Onboarding refuses such a name now (users.ts cleanName); one stored earlier stays.
  await t.db.query("UPDATE users SET display_name = $2 WHERE id = $1", [
    ALICE.id,
    "<b>Лиса</b> & Co",
  ]);
  await t.send(u.command(ALICE, "/profile"));
  const [card] = t.api.texts();
  assert.equal(line(card!, "Имя:"), "Имя: &lt;b&gt;Лиса&lt;/b&gt; &amp; Co");
  assert.equal(t.api.of("sendMessage")[0]!.parse_mode, "HTML");
});

Deno.test("profile: a subscription that has run out shows free access, an active one its end date", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  // TEST_NOW is 24.11.2026, 12:00 in Moscow; one second earlier the subscription ended.
  await t.db.query("UPDATE users SET subscription_until = $2 WHERE id = $1", [
    ALICE.id,
    new Date("2026-11-24T08:59:59Z"),
  ]);
  await t.send(u.command(ALICE, "/profile"));
  assert.equal(line(t.api.texts()[0]!, "Подписка:"), "Подписка: бесплатный доступ");
  await t.db.query("UPDATE users SET subscription_until = $2 WHERE id = $1", [
    ALICE.id,
    new Date("2026-12-24T09:00:00Z"),
  ]);
  t.api.clear();
  await t.send(u.callback(ALICE, MENU.profile, 101));
  assert.equal(line(t.api.texts()[0]!, "Подписка:"), "Подписка: активна до 24.12.2026");
});

Deno.test("profile: /profile while editing the personal info cancels the edit: a name typed afterwards is not saved", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/profile"));
  const card = (t.api.calls.at(-1)!.result as { message_id: number }).message_id;
  await t.send(u.callback(ALICE, PROFILE.edit, card));
  assert.ok(t.api.texts().at(-1)!.startsWith(texts.askName));
  t.api.clear();
  await t.send(u.command(ALICE, "/profile"), u.text(ALICE, "Новое имя"));
  const shown = t.api.texts();
  assert.equal(shown.length, 2);
  assert.equal(line(shown[0]!, "Имя:"), `Имя: ${ALICE.first_name}`);
  assert.equal(shown[1], UNKNOWN_TEXT);
  const row = await userRow(t, ALICE);
  assert.equal(row?.display_name, ALICE.first_name);
});

Deno.test("profile: the card shows only the user's own quizzes, style and activity, never another user's", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await onboardAs(t, u, BOB);
  // Bob is busier: more messages, a completed quiz, a style of his own.
  for (const text of ["раз", "два", "три"]) await t.send(u.text(BOB, text));
  await t.db.query(
    `INSERT INTO quiz_sessions (user_id, category, status, adaptive, plan, completed_at)
     VALUES ($1, 'money', 'completed', false, '[]', $2)`,
    [BOB.id, new Date("2026-11-24T08:00:00Z")],
  );
  await setStyle(t.db, BOB.id, { key: "tone", value: "ironic" });
  t.api.clear();
  await t.send(u.command(ALICE, "/profile"));
  const card = t.api.texts()[0]!;
  assert.equal(line(card, "Имя:"), `Имя: ${ALICE.first_name}`);
  assert.equal(line(card, "Пройденные квизы:"), "Пройденные квизы: пока нет");
  assert.equal(line(card, "Стиль ответов:"), "Стиль ответов: дружелюбный · друг · средне");
  // Alice's own messages: /start and this /profile.
  assert.equal(line(card, "Активность:"), "Активность: дней — 1, сообщений — 2");
  assert.equal(t.api.of("sendMessage")[0]!.chat_id, ALICE.id);
});
