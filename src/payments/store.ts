// The payments table and subscriptions. applyRemote is the one state transition, used by the
// notification endpoint and by «Проверить оплату» alike: every change is a conditional UPDATE
// inside a transaction, so repeats and races (a duplicate notification, a notification and a
// button at once) change nothing the second time — the database decides, not timing.

import type { Db, Queryable } from "../db/db.ts";
import { countDaily, statDate } from "../stats/daily.ts";
import type { Plan } from "./plans.ts";
import type { RemotePayment } from "./yookassa.ts";

export type PaymentStatus =
  | "creating"
  | "pending"
  | "succeeded"
  | "canceled"
  | "abandoned"
  | "expired"
  | "failed";

export interface PaymentRow {
  id: number;
  user_id: number | null;
  provider_id: string | null;
  idempotence_key: string;
  months: number;
  /** "1111.00" */
  amount: string;
  currency: string;
  status: PaymentStatus;
  confirmation_url: string | null;
  created_at: Date;
  expires_at: Date;
  subscription_until: Date | null;
}

const COLUMNS = "id, user_id, provider_id, idempotence_key::text AS idempotence_key, months, " +
  "amount::text AS amount, currency, status, confirmation_url, created_at, expires_at, " +
  "subscription_until";

/** Statuses from which YooKassa's word can still move a payment. */
const OPEN = "('creating', 'pending', 'abandoned', 'expired', 'failed')";

export async function createPaymentRow(
  db: Queryable,
  userId: number,
  plan: Plan,
  now: Date,
  ttlMinutes: number,
): Promise<PaymentRow> {
  const [row] = await db.query<PaymentRow>(
    `INSERT INTO payments (user_id, idempotence_key, months, amount, created_at, updated_at,
       expires_at)
     VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING ${COLUMNS}`,
    [
      userId,
      crypto.randomUUID(),
      plan.months,
      plan.price,
      now,
      new Date(now.getTime() + ttlMinutes * 60_000),
    ],
  );
  return row!;
}

/** A payment for this plan the user opened moments ago and has not finished (a double tap). */
export async function recentOpenPayment(
  db: Queryable,
  userId: number,
  months: number,
  now: Date,
): Promise<PaymentRow | undefined> {
  const [row] = await db.query<PaymentRow>(
    `SELECT ${COLUMNS} FROM payments
     WHERE user_id = $1 AND months = $2 AND status = 'pending' AND expires_at > $3
       AND created_at > $3::timestamptz - interval '10 minutes'
     ORDER BY id DESC LIMIT 1`,
    [userId, months, now],
  );
  return row;
}

export async function markCreated(
  db: Queryable,
  id: number,
  providerId: string,
  url: string,
): Promise<PaymentRow> {
  const [row] = await db.query<PaymentRow>(
    `UPDATE payments SET provider_id = $2, confirmation_url = $3, updated_at = now(),
       status = CASE WHEN status = 'creating' THEN 'pending' ELSE status END
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, providerId, url],
  );
  return row!;
}

export async function markFailed(db: Queryable, id: number): Promise<void> {
  await db.query(
    "UPDATE payments SET status = 'failed', updated_at = now() WHERE id = $1 AND status = 'creating'",
    [id],
  );
}

export async function paymentOf(
  db: Queryable,
  id: number,
  userId: number,
): Promise<PaymentRow | undefined> {
  const [row] = await db.query<PaymentRow>(
    `SELECT ${COLUMNS} FROM payments WHERE id = $1 AND user_id = $2`,
    [id, userId],
  );
  return row;
}

export async function paymentByProviderId(
  db: Queryable,
  providerId: string,
): Promise<PaymentRow | undefined> {
  const [row] = await db.query<PaymentRow>(
    `SELECT ${COLUMNS} FROM payments WHERE provider_id = $1`,
    [providerId],
  );
  return row;
}

/** The user gave up before paying (the cancel button); false when it was no longer open. */
export async function abandon(db: Queryable, id: number, userId: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE payments SET status = 'abandoned', updated_at = now()
     WHERE id = $1 AND user_id = $2 AND status IN ('creating', 'pending') RETURNING id`,
    [id, userId],
  );
  return rows.length > 0;
}

/** Payments left unpaid past their time expire; YooKassa's later word still counts. */
export async function expireOpen(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query(
    `UPDATE payments SET status = 'expired', updated_at = now()
     WHERE status IN ('creating', 'pending') AND expires_at < $1 RETURNING id`,
    [now],
  );
  return rows.length;
}

/**
 * Extends a subscription by whole calendar months in Moscow time from the later of now and the
 * current end (31 January + 1 month = the end of February). Returns the new end.
 */
export async function extendSubscription(
  db: Queryable,
  userId: number,
  months: number,
  now: Date,
): Promise<Date | undefined> {
  const [row] = await db.query<{ until: Date }>(
    `UPDATE users SET subscription_until =
       ((greatest($2::timestamptz, coalesce(subscription_until, $2::timestamptz))
         AT TIME ZONE 'Europe/Moscow') + make_interval(months => $3::int))
       AT TIME ZONE 'Europe/Moscow',
       updated_at = now()
     WHERE id = $1 RETURNING subscription_until AS until`,
    [userId, now, months],
  );
  return row?.until;
}

export async function subscriptionUntil(db: Queryable, userId: number): Promise<Date | null> {
  const [row] = await db.query<{ until: Date | null }>(
    "SELECT subscription_until AS until FROM users WHERE id = $1",
    [userId],
  );
  return row?.until ?? null;
}

export async function revokeSubscription(db: Queryable, userId: number): Promise<boolean> {
  const rows = await db.query(
    "UPDATE users SET subscription_until = NULL, updated_at = now() WHERE id = $1 RETURNING id",
    [userId],
  );
  return rows.length > 0;
}

export type Outcome =
  | { kind: "succeeded"; userId: number; months: number; until: Date }
  | { kind: "canceled"; userId: number }
  | { kind: "unchanged"; status: PaymentStatus }
  | { kind: "pending" }
  | { kind: "mismatch"; reason: string };

/** Why YooKassa's payment cannot be ours, or undefined when it matches our row. */
export function mismatch(row: PaymentRow, remote: RemotePayment): string | undefined {
  if (remote.id !== row.provider_id) return "payment id";
  if (Number(remote.amount?.value).toFixed(2) !== Number(row.amount).toFixed(2)) return "amount";
  if (remote.amount?.currency !== row.currency) return "currency";
  if (remote.metadata?.payment_id !== String(row.id)) return "metadata payment_id";
  if (row.user_id === null || remote.metadata?.user_id !== String(row.user_id)) {
    return "metadata user_id";
  }
  return undefined;
}

/** Applies what YooKassa says about a payment (read from YooKassa, never from a notification). */
export async function applyRemote(
  db: Db,
  row: PaymentRow,
  remote: RemotePayment,
  now: Date,
): Promise<Outcome> {
  const reason = mismatch(row, remote);
  if (reason) return { kind: "mismatch", reason };
  const userId = row.user_id!;
  if (remote.status === "succeeded") {
    return await db.transaction(async (tx) => {
      const claimed = await tx.query(
        `UPDATE payments SET status = 'succeeded', paid_at = $2, updated_at = $2
         WHERE id = $1 AND status IN ${OPEN} RETURNING id`,
        [row.id, now],
      );
      if (!claimed.length) {
        return { kind: "unchanged" as const, status: await statusOf(tx, row.id) };
      }
      const until = await extendSubscription(tx, userId, row.months, now);
      await tx.query("UPDATE payments SET subscription_until = $2 WHERE id = $1", [row.id, until]);
      const day = statDate(now);
      await countDaily(tx, day, "payments_succeeded");
      await countDaily(tx, day, "earn", Number(row.amount));
      return { kind: "succeeded" as const, userId, months: row.months, until: until! };
    });
  }
  if (remote.status === "canceled") {
    const rows = await db.query(
      `UPDATE payments SET status = 'canceled', updated_at = $2
       WHERE id = $1 AND status IN ('creating', 'pending', 'failed') RETURNING id`,
      [row.id, now],
    );
    if (rows.length) {
      await countDaily(db, statDate(now), "payments_canceled");
      return { kind: "canceled", userId };
    }
    // One the user already gave up on (or that expired) is closed without telling them again.
    await db.query(
      `UPDATE payments SET status = 'canceled', updated_at = $2
       WHERE id = $1 AND status IN ('abandoned', 'expired')`,
      [row.id, now],
    );
    return { kind: "unchanged", status: await statusOf(db, row.id) };
  }
  return { kind: "pending" };
}

async function statusOf(db: Queryable, id: number): Promise<PaymentStatus> {
  const [row] = await db.query<{ status: PaymentStatus }>(
    "SELECT status FROM payments WHERE id = $1",
    [id],
  );
  return row!.status;
}
