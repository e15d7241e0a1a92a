// Payments end to end against a YooKassa mock and the api in-process: notifications (allowed
// and refused addresses, a trusted proxy, forged and unknown payments, duplicates, cancellation),
// a notification racing «Проверить оплату», calendar-correct extension, creation retried with
// the same Idempotence-Key, the free limit under parallel messages, admin grants, expiry, health.

import assert from "node:assert/strict";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { freshDb, type TestDb } from "../harness/db.ts";
import { onboard, startTestBot } from "../harness/bot.ts";
import { ALICE, Updates } from "../harness/telegram.ts";
import { startYooKassaMock, type YooKassaMock } from "../harness/yookassa_mock.ts";
import { createApi, MAX_BODY_BYTES } from "../../src/api/app.ts";
import { loadMigrations } from "../../src/db/migrate.ts";
import type { Db } from "../../src/db/db.ts";
import { memoryLogger } from "../../src/log.ts";
import { pseudonymiser } from "../../src/log_ids.ts";
import { ipMatcher, YOOKASSA_IPS } from "../../src/payments/ip_allowlist.ts";
import { createNotifier } from "../../src/bot/payment_notices.ts";
import { DEFAULT_PLANS, parsePlans } from "../../src/payments/plans.ts";
import { createPayments, type Payments } from "../../src/payments/service.ts";
import { expireOpen, extendSubscription } from "../../src/payments/store.ts";
import { createYooKassa } from "../../src/payments/yookassa.ts";
import { countAssistantMessage } from "../../src/stats/daily.ts";
import { PAY } from "../../src/bot/screens/subscription.ts";

const USER = 100001; // ALICE
const NOW = new Date("2026-11-24T09:00:00Z");
const YOOKASSA_ADDR = "185.71.76.10";

interface Sent {
  chat: number;
  text: string;
}

async function setup(db: TestDb, yk: YooKassaMock, opts: { user?: boolean } = {}) {
  if (opts.user !== false) {
    await db.query("INSERT INTO users (id, first_name) VALUES ($1, 'Алиса')", [USER]);
  }
  const log = memoryLogger();
  const payments = createPayments({
    db,
    log,
    pseudonym: pseudonymiser("test"),
    yookassa: createYooKassa({ shopId: "1", secretKey: "s", apiUrl: yk.apiUrl }),
    config: { plans: parsePlans(DEFAULT_PLANS), ttlMinutes: 60 },
    retryDelaysMs: [0, 0],
  });
  const sent: Sent[] = [];
  const app = createApi({
    db,
    log,
    migrations: await loadMigrations(),
    payments,
    notify: createNotifier(db, (chat, text) => Promise.resolve(sent.push({ chat, text }))),
    allowed: ipMatcher(YOOKASSA_IPS),
    trustedProxies: ipMatcher(["10.0.0.2"]),
    metrics: createMetrics("api"),
    now: () => NOW,
  });
  const notify = (id: string, opts: { from?: string; xff?: string; event?: string } = {}) =>
    app.request("/yookassa/notifications", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(opts.xff ? { "x-forwarded-for": opts.xff } : {}),
      },
      body: JSON.stringify({
        type: "notification",
        event: opts.event ?? "payment.succeeded",
        object: { id, status: "succeeded", amount: { value: "1.00", currency: "RUB" } },
      }),
    }, { remoteAddr: opts.from ?? YOOKASSA_ADDR });
  return { payments, app, sent, log, notify };
}

async function started(payments: Payments, months = 1) {
  const r = await payments.start(USER, months, NOW, "https://t.me/bot");
  assert.equal(r.kind, "created");
  return (r as { payment: { id: number; provider_id: string } }).payment;
}

async function until(db: Db): Promise<string | null> {
  const [row] = await db.query<{ until: Date | null }>(
    "SELECT subscription_until AS until FROM users WHERE id = $1",
    [USER],
  );
  return row?.until?.toISOString() ?? null;
}

Deno.test("a succeeded notification extends the subscription once and tells the user once", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  const { payments, sent, notify } = await setup(db, yk);
  const p = await started(payments);
  yk.setStatus(p.provider_id, "succeeded");
  const first = await notify(p.provider_id);
  assert.equal(first.status, 200);
  assert.deepEqual(await first.json(), { status: "handled" });
  assert.equal(await until(db), "2026-12-24T09:00:00.000Z");
  // YooKassa re-sends: nothing changes, nobody is told twice.
  const again = await notify(p.provider_id);
  assert.equal(again.status, 200);
  assert.equal(await until(db), "2026-12-24T09:00:00.000Z");
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.chat, USER);
  assert.match(sent[0]!.text, /Оплата прошла.*24\.12\.2026/s);
  // The payment was read back from YooKassa, never taken from the notification's body.
  assert.equal(yk.requests.filter((r) => r.method === "GET").length, 2);
});

Deno.test("a notification from an address off the allowlist is refused and changes nothing", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  const { payments, sent, notify, log } = await setup(db, yk);
  const p = await started(payments);
  yk.setStatus(p.provider_id, "succeeded");
  const res = await notify(p.provider_id, { from: "203.0.113.7" });
  assert.equal(res.status, 403);
  // A forwarded header from an untrusted peer is not believed either.
  const spoofed = await notify(p.provider_id, { from: "203.0.113.7", xff: YOOKASSA_ADDR });
  assert.equal(spoofed.status, 403);
  assert.equal(await until(db), null);
  assert.equal(sent.length, 0);
  assert.ok(log.lines.some((l) => l.startsWith("WARN Refused a notification")));
  // Behind the trusted proxy the forwarded client address counts.
  const proxied = await notify(p.provider_id, { from: "10.0.0.2", xff: YOOKASSA_ADDR });
  assert.equal(proxied.status, 200);
  assert.equal(await until(db), "2026-12-24T09:00:00.000Z");
});

Deno.test("a notification body over 64 KiB is refused with 413 and nothing is processed", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  const { payments, sent, app, log } = await setup(db, yk);
  const p = await started(payments);
  yk.setStatus(p.provider_id, "succeeded");
  const asked = yk.requests.length;
  const body = JSON.stringify({
    type: "notification",
    event: "payment.succeeded",
    object: { id: p.provider_id, status: "succeeded", amount: { value: "1.00", currency: "RUB" } },
    padding: "x".repeat(MAX_BODY_BYTES),
  });
  const post = (b: BodyInit) =>
    app.request("/yookassa/notifications", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: b,
    }, { remoteAddr: YOOKASSA_ADDR });
  // With a Content-Length, and streamed without one (chunked).
  const declared = await post(body);
  const streamed = await post(new Blob([body]).stream());
  for (const res of [declared, streamed]) {
    assert.equal(res.status, 413);
    assert.deepEqual(await res.json(), { error: "payload too large" });
  }
  assert.equal(yk.requests.length, asked, "YooKassa is not asked about the payment");
  assert.equal(await until(db), null);
  assert.equal(sent.length, 0);
  assert.equal(log.lines.filter((l) => l.startsWith("WARN Refused a request body")).length, 2);
});

Deno.test("forged notifications grant nothing: an unknown payment, a mismatched amount", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  const { payments, sent, notify, log } = await setup(db, yk);
  const unknown = await notify("2f999999-000f-5000-9000-1b68e7b15f3f");
  assert.equal(unknown.status, 200);
  assert.deepEqual(await unknown.json(), { status: "ignored" });
  const p = await started(payments);
  const remote = yk.payments.get(p.provider_id)!;
  remote.amount = { value: "1.00", currency: "RUB" };
  yk.setStatus(p.provider_id, "succeeded");
  const forged = await notify(p.provider_id);
  assert.equal(forged.status, 200);
  assert.equal(await until(db), null);
  assert.equal(sent.length, 0);
  assert.ok(log.lines.some((l) => l.includes("does not match our record") && l.includes("amount")));
  const [row] = await db.query<{ status: string }>("SELECT status FROM payments");
  assert.equal(row!.status, "pending");
});

Deno.test("a canceled notification marks the payment and offers to try again", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  const { payments, sent, notify } = await setup(db, yk);
  const p = await started(payments);
  yk.setStatus(p.provider_id, "canceled");
  assert.equal((await notify(p.provider_id, { event: "payment.canceled" })).status, 200);
  assert.equal((await notify(p.provider_id, { event: "payment.canceled" })).status, 200);
  const [row] = await db.query<{ status: string }>("SELECT status FROM payments");
  assert.equal(row!.status, "canceled");
  assert.equal(sent.length, 1);
  assert.match(sent[0]!.text, /Оплата отменена/);
});

Deno.test("YooKassa unreachable while confirming: 503, so YooKassa sends it again later", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  const { payments, notify } = await setup(db, yk);
  const p = await started(payments);
  yk.setStatus(p.provider_id, "succeeded");
  yk.failNext(1, 502);
  assert.equal((await notify(p.provider_id)).status, 503);
  assert.equal(await until(db), null);
  assert.equal((await notify(p.provider_id)).status, 200);
  assert.equal(await until(db), "2026-12-24T09:00:00.000Z");
});

Deno.test("a notification and «Проверить оплату» at the same moment extend once", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  await using t = await startTestBot({ db, yookassaUrl: yk.apiUrl });
  const { notify } = await setup(db, yk, { user: false });
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/subscription"));
  await t.send(u.callback(ALICE, PAY.plan(1), 106));
  const p = yk.latest()!;
  yk.setStatus(p.id, "succeeded");
  for (let i = 0; i < 3; i++) {
    await Promise.all([t.handle(u.callback(ALICE, PAY.check(1), 106)), notify(p.id)]);
  }
  assert.equal(await until(db), "2026-12-24T09:00:00.000Z");
  const [day] = await db.query<{ n: number; earn: string }>(
    "SELECT payments_succeeded AS n, earn::text AS earn FROM statistic_day",
  );
  assert.deepEqual(day, { n: 1, earn: "1111.00" });
});

Deno.test("months are calendar months in Moscow time, from the later of now and the current end", async () => {
  await using db = await freshDb();
  await db.query("INSERT INTO users (id) VALUES ($1)", [USER]);
  // 31 January, noon in Moscow + 1 month = 28 February.
  const jan31 = new Date("2027-01-31T09:00:00Z");
  assert.equal(
    (await extendSubscription(db, USER, 1, jan31))!.toISOString(),
    "2027-02-28T09:00:00.000Z",
  );
  // An active subscription grows from its end, not from now.
  assert.equal(
    (await extendSubscription(db, USER, 3, jan31))!.toISOString(),
    "2027-05-28T09:00:00.000Z",
  );
  // 31 January 23:30 in Moscow is still January there (20:30 UTC), whatever UTC says.
  await db.query("UPDATE users SET subscription_until = NULL WHERE id = $1", [USER]);
  assert.equal(
    (await extendSubscription(db, USER, 1, new Date("2027-01-31T20:30:00Z")))!.toISOString(),
    "2027-02-28T20:30:00.000Z",
  );
  // A leap day plus a year.
  await db.query("UPDATE users SET subscription_until = NULL WHERE id = $1", [USER]);
  assert.equal(
    (await extendSubscription(db, USER, 12, new Date("2028-02-29T09:00:00Z")))!.toISOString(),
    "2029-02-28T09:00:00.000Z",
  );
});

Deno.test("creating a payment retries a failed call with the same Idempotence-Key", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  const { payments, log } = await setup(db, yk);
  yk.failNext(1, 500);
  const p = await started(payments);
  const posts = yk.requests.filter((r) => r.method === "POST");
  assert.equal(posts.length, 2);
  assert.ok(posts[0]!.idempotenceKey);
  assert.equal(posts[0]!.idempotenceKey, posts[1]!.idempotenceKey);
  assert.equal(yk.payments.size, 1);
  assert.ok(p.provider_id);
  assert.ok(log.lines.some((l) => l.startsWith("WARN YooKassa unavailable while creating")));
  // A second tap on the same plan moments later shows the same payment.
  const again = await started(payments);
  assert.equal(again.id, p.id);
  assert.equal(yk.payments.size, 1);
});

Deno.test("YooKassa down: the payment is marked failed and the user is told", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  const { payments } = await setup(db, yk);
  yk.failNext(3, 503);
  const r = await payments.start(USER, 1, NOW, "https://t.me/bot");
  assert.equal(r.kind, "unavailable");
  const [row] = await db.query<{ status: string }>("SELECT status FROM payments");
  assert.equal(row!.status, "failed");
});

Deno.test("the free limit holds under parallel messages", async () => {
  await using db = await freshDb();
  await db.query("INSERT INTO users (id) VALUES ($1)", [USER]);
  const results = await Promise.all(
    Array.from({ length: 8 }, () => countAssistantMessage(db, USER, "2026-11-24", 3)),
  );
  assert.deepEqual(results.filter((n) => n !== undefined).sort(), [1, 2, 3]);
  assert.equal(results.filter((n) => n === undefined).length, 5);
  // A subscriber (no limit) is still counted.
  assert.equal(await countAssistantMessage(db, USER, "2026-11-24"), 4);
});

Deno.test("unpaid payments expire; YooKassa's later success still counts", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  const { payments, notify } = await setup(db, yk);
  const p = await started(payments);
  assert.equal(await expireOpen(db, new Date(NOW.getTime() + 61 * 60_000)), 1);
  yk.setStatus(p.provider_id, "succeeded");
  assert.equal((await notify(p.provider_id)).status, 200);
  assert.equal(await until(db), "2026-12-24T09:00:00.000Z");
});

Deno.test("admins grant and revoke subscriptions; others cannot", async () => {
  await using t = await startTestBot({ adminIds: [ALICE.id] });
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, `/grant ${ALICE.id} 2`));
  assert.equal(await until(t.db), "2027-01-24T09:00:00.000Z");
  assert.ok(t.log.lines.some((l) => l.startsWith("Admin granted a subscription")));
  await t.send(u.command(ALICE, "/grant nonsense"));
  assert.match(String(t.api.calls.at(-1)!.payload.text), /^Использование: \/grant/);
  await t.send(u.command(ALICE, `/revoke ${ALICE.id}`));
  assert.equal(await until(t.db), null);
  await using other = await startTestBot();
  await onboard(other, u);
  await other.send(u.command(ALICE, `/grant ${ALICE.id} 2`));
  assert.equal(await until(other.db), null);
});

Deno.test("/health: 200 with the database up and migrations current, 503 otherwise", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  const { app } = await setup(db, yk);
  const ok = await app.request("/health");
  assert.equal(ok.status, 200);
  const body = await ok.json();
  assert.equal(body.status, "ok");
  assert.equal(body.database, "ok");
  assert.equal(body.migrations, "current");
  assert.match(body.version, /^\d+\.\d+\.\d+$/);
  const down = createApi({
    db: {
      query: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")),
    } as unknown as Db,
    log: memoryLogger(),
    migrations: await loadMigrations(),
    payments: {} as Payments,
    notify: () => Promise.resolve(),
    allowed: () => false,
    trustedProxies: () => false,
    metrics: createMetrics("api"),
  });
  const res = await down.request("/health");
  assert.equal(res.status, 503);
  assert.equal((await res.json()).database, "unreachable");
  const behind = createApi({
    db,
    log: memoryLogger(),
    migrations: [...await loadMigrations(), {
      version: 9999,
      name: "future",
      file: "9999_future.sql",
      sql: "",
      checksum: "x",
    }],
    payments: {} as Payments,
    notify: () => Promise.resolve(),
    allowed: () => false,
    trustedProxies: () => false,
    metrics: createMetrics("api"),
  });
  const stale = await behind.request("/health");
  assert.equal(stale.status, 503);
  assert.equal((await stale.json()).migrations, "1 not applied");
});

Deno.test("with YOOKASSA_RECEIPT_EMAIL a payment carries a receipt", async () => {
  await using db = await freshDb();
  await using yk = startYooKassaMock();
  await db.query("INSERT INTO users (id) VALUES ($1)", [USER]);
  const payments = createPayments({
    db,
    log: memoryLogger(),
    pseudonym: pseudonymiser("test"),
    yookassa: createYooKassa({ shopId: "1", secretKey: "s", apiUrl: yk.apiUrl }),
    config: {
      plans: parsePlans("3:2999"),
      ttlMinutes: 60,
      returnUrl: "https://t.me/soulnear_bot",
      receipt: { email: "receipts@example.com", vatCode: 1 },
    },
  });
  await started(payments, 3);
  const body = yk.requests[0]!.body!;
  assert.deepEqual(body.receipt, {
    customer: { email: "receipts@example.com" },
    items: [{
      description: "Подписка SoulNear: 3 месяца",
      quantity: "1.00",
      amount: { value: "2999.00", currency: "RUB" },
      vat_code: 1,
      payment_mode: "full_payment",
      payment_subject: "service",
    }],
  });
  assert.deepEqual(body.confirmation, {
    type: "redirect",
    return_url: "https://t.me/soulnear_bot",
  });
  assert.match(String(yk.requests[0]!.authorization), /^Basic /);
});
