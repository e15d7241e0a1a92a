// Middleware around every update from a person in a private chat: ignore other chats, load or
// create the user's record and record the day's activity, and note when the user blocks or
// unblocks the bot.
//
// One statement per update reads both the user's record and the chat's dialog state (prefetch,
// before the session middleware, which then takes the state from the stash). The record is
// written only when it must be — a new user, a changed Telegram name, a user who had blocked the
// bot — and the activity goes to the day's tally (src/stats/tally.ts), written in batches.

import { Composer, type MiddlewareFn } from "grammy";
import type { BotContext, BotServices } from "./context.ts";
import {
  isCurrent,
  type KnownUser,
  readUserAndState,
  setBlocked,
  touchUser,
  type UserRecord,
} from "../users/users.ts";
import type { Clocked } from "./nav.ts";
import { flagsFor } from "../flags.ts";
import type { Queryable } from "../db/db.ts";
import { getStyle, type StyleColumns, styleFrom } from "../style/settings.ts";
import type { Style } from "../style/style.ts";
import type { StateStash } from "./state_storage.ts";

type UserDeps = Clocked & Pick<BotServices, "flags" | "tally">;

/** What prefetch read for an update: the record (null: a new user) and the style as stored. */
const prefetched = new WeakMap<object, { user: KnownUser | null; style?: StyleColumns }>();

/**
 * Reads the user's record and the chat's dialog state in one statement, for loadUser and the
 * session middleware after it; the stash is emptied when the update is over.
 */
export function prefetch(
  d: Pick<BotServices, "db">,
  stash: StateStash,
  keyOf: (ctx: BotContext) => string | undefined,
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const key = keyOf(ctx);
    if (!ctx.from || key === undefined) return await next();
    const { user, state, style } = await readUserAndState(d.db, ctx.from.id, key);
    prefetched.set(ctx, { user: user ?? null, style });
    stash.put(key, state);
    try {
      await next();
    } finally {
      stash.forget(key);
    }
  };
}

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

export function blockTracking(d: Clocked & Pick<BotServices, "tally">): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.on("my_chat_member", async (ctx) => {
    const status = ctx.myChatMember.new_chat_member.status;
    if (status !== "kicked" && status !== "member") return;
    const { db, now } = d;
    const t = now();
    const changed = await setBlocked(db, ctx.from.id, status === "kicked", t);
    if (changed && status === "kicked") d.tally.count("blocked_users", t);
  });
  return c;
}

export const loadUser = (d: UserDeps): MiddlewareFn<BotContext> => async (ctx, next) => {
  const from = ctx.from!;
  const { db, now } = d;
  const t = now();
  const read = prefetched.get(ctx);
  const known = read?.user;
  if (read) ctx.style = styleFrom(read.style);
  let inserted = false;
  if (known && isCurrent(known, from)) ctx.user = recordOf(known);
  else ({ user: ctx.user, inserted } = await touchUser(db, from, t));
  d.tally.interaction({ userId: from.id, at: t, newUser: inserted, message: !!ctx.message });
  ctx.flags = flagsFor(d.flags, from.id);
  await next();
};

/** The user's answer style: as prefetch read it with the record, else read now (once an update). */
export async function userStyle(ctx: BotContext, db: Queryable): Promise<Style> {
  return ctx.style ??= await getStyle(db, ctx.user.id);
}

function recordOf(known: KnownUser): UserRecord {
  const { last_name: _, language_code: __, ...user } = known;
  return user;
}
