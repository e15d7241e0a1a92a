// Middleware around every update from a person in a private chat: ignore other chats, load or
// create the user's record and record the day's activity, and note when the user blocks or
// unblocks the bot.

import { Composer, type MiddlewareFn } from "grammy";
import type { BotContext, BotServices } from "./context.ts";
import { setBlocked, touchUser } from "../users/users.ts";
import { countDaily, recordActivity, statDate } from "../stats/daily.ts";
import type { Clocked } from "./nav.ts";
import { flagsFor } from "../flags.ts";

type UserDeps = Clocked & Pick<BotServices, "flags">;

/**
 * Groups, channels, edited messages and inline queries are not conversations with us. A button
 * pressed outside a private chat (or on an inline message) is answered, so it does not spin;
 * if Telegram refuses (a redelivered update, answered already), there is nothing left to do.
 */
export const privateOnly: MiddlewareFn<BotContext> = async (ctx, next) => {
  if (ctx.editedMessage || ctx.chat?.type !== "private" || !ctx.from || ctx.from.is_bot) {
    if (!ctx.callbackQuery) return;
    return void await ctx.answerCallbackQuery().catch((err) =>
      ctx.log.debug("Cannot answer an ignored button", { err })
    );
  }
  await next();
};

export function blockTracking(d: Clocked): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.on("my_chat_member", async (ctx) => {
    const status = ctx.myChatMember.new_chat_member.status;
    if (status !== "kicked" && status !== "member") return;
    const { db, now } = d;
    const t = now();
    const changed = await setBlocked(db, ctx.from.id, status === "kicked", t);
    if (changed && status === "kicked") await countDaily(db, statDate(t), "blocked_users");
  });
  return c;
}

export const loadUser = (d: UserDeps): MiddlewareFn<BotContext> => async (ctx, next) => {
  const from = ctx.from!;
  const { db, now } = d;
  const t = now();
  ctx.user = await db.transaction(async (tx) => {
    const { user, inserted } = await touchUser(tx, from, t);
    await recordActivity(tx, {
      userId: from.id,
      at: t,
      date: statDate(t),
      newUser: inserted,
      message: ctx.message !== undefined,
    });
    return user;
  });
  ctx.flags = flagsFor(d.flags, from.id);
  await next();
};
