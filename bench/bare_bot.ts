// The reference for bench:bot (bench/bot_process.ts): the least a grammY bot does per update —
// @grammyjs/runner's concurrent long polling, `sequentialize` by chat (one update at a time per
// chat, as SoulNear's inbox does) and one sendMessage per update. No database, no session.
// Run: deno run -A bench/bare_bot.ts   (BOT_TOKEN and TELEGRAM_API_ROOT from the environment)
// Prints "bare bot polling" when it has started; ends on SIGTERM or SIGINT.

import { Bot, type Context } from "grammy";
import { run, sequentialize } from "@grammyjs/runner";
import { BOT_INFO } from "../tests/harness/telegram.ts";

const token = Deno.env.get("BOT_TOKEN");
const apiRoot = Deno.env.get("TELEGRAM_API_ROOT");
if (!token || !apiRoot) throw new Error("bare bot: set BOT_TOKEN and TELEGRAM_API_ROOT");

const chatOf = (ctx: Context) => ctx.chat?.id ?? ctx.callbackQuery?.message?.chat.id;

const bot = new Bot(token, { botInfo: BOT_INFO, client: { apiRoot } });
bot.use(sequentialize((ctx: Context) => String(chatOf(ctx) ?? "")));
bot.use(async (ctx) => {
  const chat = chatOf(ctx);
  if (chat !== undefined) await ctx.api.sendMessage(chat, "ok");
});
bot.catch((err) => console.error("bare bot: update failed", err.error));

const runner = run(bot);
console.log("bare bot polling");
// Nothing of a bare bot outlives it: it ends at once.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, () => Deno.exit(0));
}
await runner.task();
