// Admin commands for ADMIN_IDS (anyone else gets the usual unknown-command answer):
//   /grant <user id> <months>  — extends the user's subscription as a payment would
//   /revoke <user id>          — ends it now
// Each use is logged with the admin's id.

import { Composer } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { extendSubscription, revokeSubscription } from "../../payments/store.ts";
import { untilText } from "../screens/subscription.ts";

/** What the admin commands use. */
export type AdminDeps = Pick<BotServices, "db" | "now" | "tally" | "adminIds" | "pseudonym">;

const GRANT_USAGE = "Использование: /grant <id пользователя> <месяцев от 1 до 36>";
const REVOKE_USAGE = "Использование: /revoke <id пользователя>";

export function adminFeature(d: AdminDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const admins = c.filter((ctx) => d.adminIds.includes(ctx.from?.id ?? 0));

  admins.command("grant", async (ctx) => {
    const m = /^(\d+)\s+(\d{1,2})$/.exec(ctx.match.trim());
    const months = m ? Number(m[2]) : 0;
    if (!m || months < 1 || months > 36) return void await ctx.reply(GRANT_USAGE);
    const userId = Number(m[1]);
    // An id beyond 2^53 (a typo, a pasted phone number) cannot be anyone's Telegram id.
    const until = Number.isSafeInteger(userId)
      ? await extendSubscription(d.db, userId, months, d.now())
      : undefined;
    if (!until) return void await ctx.reply(`Пользователь ${m[1]} не найден.`);
    ctx.log.info("Admin granted a subscription", {
      admin: ctx.from!.id,
      user: d.pseudonym(userId),
      months,
    });
    await ctx.reply(`✅ Пользователю ${userId} продлена подписка до ${untilText(until)}.`);
  });

  admins.command("revoke", async (ctx) => {
    const m = /^(\d+)$/.exec(ctx.match.trim());
    if (!m) return void await ctx.reply(REVOKE_USAGE);
    const userId = Number(m[1]);
    if (!Number.isSafeInteger(userId) || !await revokeSubscription(d.db, userId)) {
      return void await ctx.reply(`Пользователь ${m[1]} не найден.`);
    }
    ctx.log.info("Admin revoked a subscription", {
      admin: ctx.from!.id,
      user: d.pseudonym(userId),
    });
    await ctx.reply(`Подписка пользователя ${userId} отменена.`);
  });
  return c;
}
