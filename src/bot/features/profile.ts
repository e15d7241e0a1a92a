// /profile: the user's card with ways to edit the personal info, open style settings, the
// psychological profile and the subscription (the card is screens/profile.ts; the psychological
// profile itself is psy_profile.ts).

import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { ack } from "../ui.ts";
import { type Clocked, MENU, PROFILE } from "../nav.ts";
import { showProfile } from "../screens/profile.ts";

export function profileFeature(deps: Clocked): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("profile", (ctx) => showProfile(ctx, deps, { fresh: true }));
  for (const data of [MENU.profile, PROFILE.show]) {
    c.callbackQuery(data, async (ctx) => {
      await ack(ctx);
      await showProfile(ctx, deps);
    });
  }
  return c;
}
