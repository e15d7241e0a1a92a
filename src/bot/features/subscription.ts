// The subscription section (/subscription, the menu, the profile, the free-limit offer): status
// and plans → a YooKassa payment with «💳 Оплатить подписку», «🔄 Проверить оплату» and
// «✖️ Отменить». Checking applies YooKassa's answer through the same transition the notification
// endpoint uses, so a payment is applied once whichever comes first.

import { Composer } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack, show } from "../ui.ts";
import { endFlow, MENU, PROFILE, showMenu } from "../nav.ts";
import { idFrom } from "../callback_ids.ts";
import {
  CANCELED_SCREEN,
  PAY,
  paymentScreen,
  subscriptionScreen,
  successScreen,
  TOASTS,
} from "../screens/subscription.ts";
import { usedToday } from "../../stats/daily.ts";
import { latestHeld } from "../../chat/history.ts";
import { subscriptionUntil } from "../../payments/store.ts";

/** What the subscription screens use. */
export type SubscriptionDeps = Pick<BotServices, "db" | "now" | "tally" | "payments" | "limits">;

async function showSubscription(ctx: BotContext, d: SubscriptionDeps, back: "menu" | "profile") {
  endFlow(ctx);
  const { db, now, payments, limits } = d;
  const t = now();
  await show(
    ctx,
    subscriptionScreen({
      until: ctx.user.subscription_until,
      now: t,
      freeLimit: limits.freeDailyMessages,
      usedToday: await usedToday(db, ctx.user.id, t),
      plans: payments.plans,
      available: payments.available,
      back,
    }),
    { fresh: !ctx.callbackQuery },
  );
}

export function subscriptionFeature(d: SubscriptionDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("subscription", (ctx) => showSubscription(ctx, d, "menu"));
  for (
    const [data, back] of [[MENU.subscription, "menu"], [PAY.offer, "menu"], [
      PROFILE.subscription,
      "profile",
    ]] as const
  ) {
    c.callbackQuery(data, async (ctx) => {
      await ack(ctx);
      await showSubscription(ctx, d, back);
    });
  }

  // An impossible id falls through to the fallback, as a stale button does.
  c.callbackQuery(PAY.match.plan, async (ctx, stale) => {
    const { payments, now } = d;
    const months = idFrom(ctx.match[1]);
    if (months === undefined) return await stale();
    const started = await payments.start(
      ctx.user.id,
      months,
      now(),
      `https://t.me/${ctx.me.username}`,
    );
    if (started.kind === "created") {
      await ack(ctx);
      return await show(ctx, paymentScreen(started.payment));
    }
    await ack(ctx, started.kind === "unavailable" ? TOASTS.failed : TOASTS.off);
    await showSubscription(ctx, d, "menu");
  });

  c.callbackQuery(PAY.match.check, async (ctx, stale) => {
    const { payments, now, db } = d;
    const id = idFrom(ctx.match[1]);
    if (id === undefined) return await stale();
    const r = await payments.check(ctx.user.id, id, now());
    switch (r.kind) {
      case "succeeded":
        await ack(ctx);
        return await show(ctx, successScreen(r.until, (await latestHeld(db, ctx.user.id))?.id));
      case "canceled":
        await ack(ctx);
        return await show(ctx, CANCELED_SCREEN);
      case "pending":
        return await ack(ctx, TOASTS.pending);
      case "unavailable":
        return await ack(ctx, TOASTS.unavailable);
      case "mismatch":
        return await ack(ctx, TOASTS.mismatch);
      case "unchanged": {
        if (r.status === "succeeded") {
          // Applied already (by YooKassa's notification, or a tap a moment ago).
          const until = await subscriptionUntil(db, ctx.user.id);
          await ack(ctx);
          return await show(ctx, successScreen(until!, (await latestHeld(db, ctx.user.id))?.id));
        }
        if (r.status === "pending" || r.status === "creating") {
          return await ack(ctx, TOASTS.pending);
        }
        await ack(ctx, r.status === "canceled" ? TOASTS.canceled : TOASTS.closed);
        return await showSubscription(ctx, d, "menu");
      }
      default:
        await ack(ctx, r.kind === "off" ? TOASTS.off : TOASTS.closed);
        return await showSubscription(ctx, d, "menu");
    }
  });

  c.callbackQuery(PAY.match.cancel, async (ctx, stale) => {
    const id = idFrom(ctx.match[1]);
    if (id === undefined) return await stale();
    const done = await d.payments.cancel(ctx.user.id, id);
    await ack(ctx, done ? TOASTS.abandoned : TOASTS.closed);
    await showMenu(ctx, d);
  });
  return c;
}
