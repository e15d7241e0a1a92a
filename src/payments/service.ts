// Paying for a subscription, end to end and independent of Telegram: start a payment for a plan
// (a payments row first, then YooKassa with the row's Idempotence-Key, retried on a transient
// failure), check it, cancel it before paying, handle a YooKassa notification (re-reading the
// payment from YooKassa and acting only on what YooKassa says), expire unpaid payments.

import { z } from "zod";
import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import type { Pseudonym } from "../log_ids.ts";
import { sleep } from "../sleep.ts";
import { countDaily, statDate } from "../stats/daily.ts";
import { amountValue, monthsText, type Plan } from "./plans.ts";
import {
  abandon,
  applyRemote,
  createPaymentRow,
  expireOpen,
  markCreated,
  markFailed,
  type Outcome,
  paymentByProviderId,
  paymentOf,
  type PaymentRow,
  recentOpenPayment,
} from "./store.ts";
import { type YooKassa, YooKassaUnavailableError } from "./yookassa.ts";

export interface PaymentsConfig {
  plans: readonly Plan[];
  ttlMinutes: number;
  /** Where YooKassa sends the user back; defaults to the bot's t.me link. */
  returnUrl?: string;
  receipt?: { email: string; vatCode: number };
}

export interface PaymentsDeps {
  db: Db;
  /** Undefined when YooKassa is not configured: paying is unavailable. */
  yookassa?: YooKassa;
  config: PaymentsConfig;
  log: Logger;
  pseudonym: Pseudonym;
  /** Pauses between attempts to create a payment (tests pass zeros). */
  retryDelaysMs?: readonly number[];
}

export type StartResult =
  | { kind: "created"; payment: PaymentRow }
  | { kind: "off" }
  | { kind: "unknown_plan" }
  | { kind: "unavailable" };

export type CheckResult =
  | Outcome
  | { kind: "not_found" }
  | { kind: "off" }
  | { kind: "unavailable" };

export type NotificationResult = "handled" | "ignored" | "retry";

const notificationBody = z.object({
  type: z.literal("notification"),
  event: z.string(),
  object: z.object({ id: z.string().min(1) }),
});

export interface Payments {
  readonly available: boolean;
  readonly plans: readonly Plan[];
  start(userId: number, months: number, now: Date, botLink: string): Promise<StartResult>;
  check(userId: number, paymentId: number, now: Date): Promise<CheckResult>;
  cancel(userId: number, paymentId: number): Promise<boolean>;
  notification(
    body: unknown,
    now: Date,
  ): Promise<{ result: NotificationResult; outcome?: Outcome }>;
  expire(now: Date): Promise<number>;
}

export function createPayments(deps: PaymentsDeps): Payments {
  const { db, yookassa, config, log } = deps;
  const delays = deps.retryDelaysMs ?? [500, 1500];

  function receipt(plan: Plan, description: string) {
    if (!config.receipt) return undefined;
    return {
      customer: { email: config.receipt.email },
      items: [{
        description,
        quantity: "1.00",
        amount: { value: amountValue(plan.price), currency: "RUB" },
        vat_code: config.receipt.vatCode,
        payment_mode: "full_payment",
        payment_subject: "service",
      }],
    };
  }

  async function create(row: PaymentRow, plan: Plan, userId: number, botLink: string) {
    const description = `Подписка SoulNear: ${monthsText(plan.months)}`;
    for (let attempt = 0;; attempt++) {
      try {
        // The same Idempotence-Key on every attempt: YooKassa creates one payment at most.
        const remote = await yookassa!.createPayment({
          idempotenceKey: row.idempotence_key,
          amount: { value: amountValue(plan.price), currency: "RUB" },
          description,
          returnUrl: config.returnUrl ?? botLink,
          metadata: { payment_id: String(row.id), user_id: String(userId) },
          receipt: receipt(plan, description),
        });
        const url = remote.confirmation?.confirmation_url;
        if (!url) throw new Error("YooKassa gave no confirmation_url");
        return await markCreated(db, row.id, remote.id, url);
      } catch (err) {
        if (!(err instanceof YooKassaUnavailableError) || attempt >= delays.length) throw err;
        log.warn("YooKassa unavailable while creating a payment; trying again", {
          payment: row.id,
          err,
        });
        await sleep(delays[attempt]!);
      }
    }
  }

  return {
    available: yookassa !== undefined,
    plans: config.plans,

    async start(userId, months, now, botLink) {
      const plan = config.plans.find((p) => p.months === months);
      if (!plan) return { kind: "unknown_plan" };
      if (!yookassa) return { kind: "off" };
      const open = await recentOpenPayment(db, userId, months, now);
      if (open) return { kind: "created", payment: open };
      const row = await createPaymentRow(db, userId, plan, now, config.ttlMinutes);
      try {
        const payment = await create(row, plan, userId, botLink);
        await countDaily(db, statDate(now), "payments_started");
        log.info("Payment created", {
          payment: row.id,
          user: deps.pseudonym(userId),
          months,
          amount: row.amount,
        });
        return { kind: "created", payment };
      } catch (err) {
        await markFailed(db, row.id);
        if (err instanceof YooKassaUnavailableError) {
          log.warn("Cannot create a payment: YooKassa unavailable", { payment: row.id, err });
        } else log.error("Cannot create a payment", { payment: row.id, err });
        return { kind: "unavailable" };
      }
    },

    async check(userId, paymentId, now) {
      const row = await paymentOf(db, paymentId, userId);
      if (!row) return { kind: "not_found" };
      if (!row.provider_id) return { kind: "unchanged", status: row.status };
      if (!yookassa) return { kind: "off" };
      try {
        const remote = await yookassa.getPayment(row.provider_id);
        const outcome = await settle(row, remote, now, "check");
        // Still open at YooKassa, but the user cancelled it here (or it expired): closed.
        if (
          outcome.kind === "pending" && (row.status === "abandoned" || row.status === "expired")
        ) {
          return { kind: "unchanged", status: row.status };
        }
        return outcome;
      } catch (err) {
        if (!(err instanceof YooKassaUnavailableError)) throw err;
        log.warn("Cannot check a payment: YooKassa unavailable", { payment: row.id, err });
        return { kind: "unavailable" };
      }
    },

    cancel: (userId, paymentId) => abandon(db, paymentId, userId),

    async notification(body, now) {
      const parsed = notificationBody.safeParse(body);
      if (!parsed.success) {
        log.warn("Ignored a malformed YooKassa notification");
        return { result: "ignored" };
      }
      const { event, object } = parsed.data;
      if (!event.startsWith("payment.")) {
        log.info("Ignored a YooKassa notification", { event });
        return { result: "ignored" };
      }
      const row = await paymentByProviderId(db, object.id);
      if (!row) {
        log.warn("Ignored a YooKassa notification about an unknown payment", { event });
        return { result: "ignored" };
      }
      if (!yookassa) {
        log.warn("A YooKassa notification arrived but YooKassa is not configured", { event });
        return { result: "retry" };
      }
      try {
        const remote = await yookassa.getPayment(object.id);
        const outcome = await settle(row, remote, now, "notification");
        return { result: "handled", outcome };
      } catch (err) {
        if (!(err instanceof YooKassaUnavailableError)) throw err;
        log.warn("Cannot confirm a notification: YooKassa unavailable; it will be re-sent", {
          payment: row.id,
          err,
        });
        return { result: "retry" };
      }
    },

    async expire(now) {
      const n = await expireOpen(db, now);
      if (n) log.info("Unpaid payments expired", { count: n });
      return n;
    },
  };

  async function settle(
    row: PaymentRow,
    remote: Parameters<typeof applyRemote>[2],
    now: Date,
    via: "check" | "notification",
  ): Promise<Outcome> {
    const outcome = await applyRemote(db, row, remote, now);
    const fields = { payment: row.id, via, user: row.user_id ? deps.pseudonym(row.user_id) : "-" };
    if (outcome.kind === "mismatch") {
      log.warn("YooKassa's payment does not match our record; nothing granted", {
        ...fields,
        reason: outcome.reason,
      });
    } else if (outcome.kind === "succeeded") {
      log.info("Payment succeeded: subscription extended", {
        ...fields,
        months: outcome.months,
        until: outcome.until.toISOString(),
      });
    } else if (outcome.kind === "canceled") log.info("Payment canceled", fields);
    return outcome;
  }
}
