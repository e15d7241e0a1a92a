// /menu and every "В меню" button: ends whatever flow the chat is in and shows the sections
// (the screen itself is in nav.ts, shared by every feature).

import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { ack } from "../ui.ts";
import { type Clocked, MENU, showMenu } from "../nav.ts";

export function menuFeature(deps: Clocked): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("menu", (ctx) => showMenu(ctx, deps, { fresh: true }));
  c.callbackQuery(MENU.main, async (ctx) => {
    await ack(ctx);
    await showMenu(ctx, deps);
  });
  return c;
}
