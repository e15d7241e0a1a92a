// /helplines: the help lines straight away, one command from anywhere — before consent too, and
// without ending the flow the user is in (a chat or a quiz goes on after it). The same list as
// /sos's «📞 Телефоны помощи», with the way to the exercises.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { helplinesText } from "../screens/crisis.ts";
import { SAFETY } from "../triage.ts";

/** What /helplines uses. */
export type HelplinesDeps = Pick<BotServices, "helplines">;

export function helplinesFeature(d: HelplinesDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("helplines", async (ctx) => {
    await ctx.reply(helplinesText(d.helplines), {
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("🆘 Мне тяжело", SAFETY.sos),
    });
  });
  return c;
}
