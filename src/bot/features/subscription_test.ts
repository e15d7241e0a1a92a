// The subscription composer's own edge cases: someone else's payment id in «Проверить оплату» and
// «Отменить», a plan that is not on offer, YooKassa down while checking, a cancel checked twice.

import assert from "node:assert/strict";
import { onboard, onboardAs, startTestBot, type TestBot } from "../../../tests/harness/bot.ts";
import { userRow } from "../../../tests/harness/db.ts";
import { ALICE, BOB, buttons, Updates } from "../../../tests/harness/telegram.ts";
import { startYooKassaMock } from "../../../tests/harness/yookassa_mock.ts";
import { CANCELED_SCREEN, PAY, TOASTS } from "../screens/subscription.ts";
import { MENU } from "../nav.ts";

interface PaymentRow {
  id: number;
  user_id: string;
  status: string;
}

async function payments(t: TestBot): Promise<PaymentRow[]> {
  return await t.db.query<PaymentRow>(
    "SELECT id::int AS id, user_id::text AS user_id, status FROM payments ORDER BY id",
  );
}

Deno.test("subscription: «Проверить оплату» with someone else's paid payment id is answered as closed and grants nothing", async () => {
  await using yk = startYooKassaMock();
  await using t = await startTestBot({ yookassaUrl: yk.apiUrl });
  const u = new Updates();
  await onboardAs(t, u, BOB);
  await t.send(u.callback(BOB, PAY.plan(1)));
  const [bobs] = await payments(t);
  yk.setStatus(yk.latest()!.id, "succeeded");
  await onboard(t, u);
  const asked = yk.requests.length;
  await t.send(u.callback(ALICE, PAY.check(bobs!.id), 50));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [TOASTS.closed]);
  assert.equal(yk.requests.length, asked, "YooKassa is not asked about someone else's payment");
  assert.equal((await userRow(t, ALICE))!.subscription_until, null);
  assert.equal(
    (await userRow(t, BOB))!.subscription_until,
    null,
    "nor is Bob's payment applied by Alice",
  );
  assert.deepEqual(await payments(t), [{
    id: bobs!.id,
    user_id: String(BOB.id),
    status: "pending",
  }]);
  // Alice is shown her own subscription status instead.
  assert.deepEqual(t.api.of("editMessageText").map((p) => p.chat_id), [ALICE.id]);
  assert.match(String(t.api.of("editMessageText")[0]!.text), /Подписка/);
});

Deno.test("subscription: «Отменить» with someone else's payment id leaves that payment open", async () => {
  await using yk = startYooKassaMock();
  await using t = await startTestBot({ yookassaUrl: yk.apiUrl });
  const u = new Updates();
  await onboardAs(t, u, BOB);
  await t.send(u.callback(BOB, PAY.plan(3)));
  const [bobs] = await payments(t);
  await onboard(t, u);
  await t.send(u.callback(ALICE, PAY.cancel(bobs!.id), 50));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [TOASTS.closed]);
  assert.equal((await payments(t))[0]!.status, "pending");
  // Bob can still pay and check it.
  yk.setStatus(yk.latest()!.id, "succeeded");
  t.api.clear();
  await t.send(u.callback(BOB, PAY.check(bobs!.id)));
  assert.equal((await payments(t))[0]!.status, "succeeded");
  assert.notEqual((await userRow(t, BOB))!.subscription_until, null);
});

Deno.test("subscription: a plan that is not on offer creates no payment and asks YooKassa nothing", async () => {
  await using yk = startYooKassaMock();
  await using t = await startTestBot({ yookassaUrl: yk.apiUrl });
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/subscription"));
  t.api.clear();
  await t.send(u.callback(ALICE, PAY.plan(7), 102));
  assert.equal(t.api.of("answerCallbackQuery").length, 1);
  assert.deepEqual(await payments(t), []);
  assert.equal(yk.requests.length, 0);
  // The plans on offer are shown again.
  const [screen] = t.api.of("editMessageText");
  assert.ok(buttons(screen).includes(PAY.plan(1)));
  assert.ok(!buttons(screen).includes(PAY.plan(7)));
});

Deno.test("subscription: YooKassa down while checking gives a toast and changes nothing; the next check applies the payment", async () => {
  await using yk = startYooKassaMock();
  await using t = await startTestBot({ yookassaUrl: yk.apiUrl });
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/subscription"), u.callback(ALICE, PAY.plan(1), 102));
  const [p] = await payments(t);
  yk.setStatus(yk.latest()!.id, "succeeded");
  yk.failNext(1, 503);
  t.api.clear();
  await t.send(u.callback(ALICE, PAY.check(p!.id), 102));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [TOASTS.unavailable]);
  assert.equal(t.api.texts().length, 0, "the payment screen stays as it is");
  assert.equal((await payments(t))[0]!.status, "pending");
  assert.equal((await userRow(t, ALICE))!.subscription_until, null);
  t.api.clear();
  await t.send(u.callback(ALICE, PAY.check(p!.id), 102));
  assert.equal((await payments(t))[0]!.status, "succeeded");
  assert.notEqual((await userRow(t, ALICE))!.subscription_until, null);
  assert.match(t.api.texts()[0]!, /Оплата прошла/);
});

Deno.test("subscription: a payment canceled at YooKassa shows the canceled screen once, and a second check only a toast", async () => {
  await using yk = startYooKassaMock();
  await using t = await startTestBot({ yookassaUrl: yk.apiUrl });
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.callback(ALICE, MENU.subscription, 101), u.callback(ALICE, PAY.plan(1), 101));
  const [p] = await payments(t);
  yk.setStatus(yk.latest()!.id, "canceled");
  t.api.clear();
  await t.send(u.callback(ALICE, PAY.check(p!.id), 101));
  assert.deepEqual(t.api.texts(), [CANCELED_SCREEN.text]);
  t.api.clear();
  await t.send(u.callback(ALICE, PAY.check(p!.id), 101));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [TOASTS.canceled]);
  assert.ok(!t.api.texts().includes(CANCELED_SCREEN.text), "not shown a second time");
  const [day] = await t.db.query<{ payments_canceled: number }>(
    "SELECT payments_canceled FROM statistic_day",
  );
  assert.equal(day!.payments_canceled, 1);
  assert.equal((await payments(t))[0]!.status, "canceled");
});
