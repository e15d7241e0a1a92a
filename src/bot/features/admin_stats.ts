// /admin for ADMIN_IDS: today's key numbers (Moscow day) from the same report as `soulbot stats`,
// with a refresh button. Anyone else gets the usual unknown-command answer.

import { Composer, InlineKeyboard } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { show } from "../ui.ts";
import { buildReport, type Report } from "../../stats/report.ts";
import { formatDate } from "../../text/dates.ts";

/** What /admin uses. */
export type AdminStatsDeps = Pick<BotServices, "db" | "now" | "tally" | "adminIds">;

export const ADMIN_REFRESH = "admin:refresh";

export function adminStatsText(r: Report, now: Date): string {
  const today = r.product.features.at(-1);
  const t = r.technical;
  const answers = t.answers.map((a) =>
    `⏱ ${a.assistant === "helper" ? "Помощник" : "Сонник"}: ответов ${a.total.count}, ` +
    `первый текст p95 ${a.firstText.p95Ms} мс, целиком p95 ${a.total.p95Ms} мс`
  );
  const count = (level: string) =>
    t.log.filter((l) => l.level === level).reduce((s, l) => s + l.count, 0);
  const openai = t.openai.reduce(
    (s, o) => ({ requests: s.requests + o.requests, failed: s.failed + o.failed }),
    { requests: 0, failed: 0 },
  );
  return [
    `📊 <b>Сегодня, ${formatDate(now)}</b> (по Москве)`,
    "",
    `👥 Новых пользователей: ${today?.new_users ?? 0}, активных: ${today?.active_users ?? 0}`,
    `💬 Сообщений помощнику: ${today?.helper ?? 0}, соннику: ${today?.soulsleep ?? 0}`,
    `🧩 Тестов начато: ${today?.quiz_started ?? 0}, завершено: ${today?.quiz_completed ?? 0}`,
    `💳 Оплат начато: ${today?.payments_started ?? 0}, успешных: ` +
    `${today?.payments_succeeded ?? 0}, получено: ${today?.earn ?? 0} ₽`,
    `🆘 Кризисных сигналов: ${today?.crisis_detected ?? 0}`,
    "",
    ...(answers.length ? answers : ["⏱ Ответов ассистентов пока не было"]),
    `🤖 OpenAI: запросов ${openai.requests} (неудачных ${openai.failed}), ` +
    `$${r.product.cost.totalUsd.toFixed(4)}`,
    `📡 Telegram: вызовов ${t.telegram.requests}, из них 429: ${t.telegram.rateLimited}`,
    `⚠️ В логах: предупреждений ${count("warn")}, ошибок ${count("error")}`,
    "",
    "<i>Технические цифры сохраняются раз в минуту. Подробный отчёт: soulbot stats.</i>",
  ].join("\n");
}

export function adminStatsFeature(d: AdminStatsDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const admins = c.filter((ctx) => d.adminIds.includes(ctx.from?.id ?? 0));
  const screen = async (ctx: BotContext) => {
    const now = d.now();
    // This process's counts of the last second first, so the admin's own tap is among them.
    await d.tally.flush().catch((err) => ctx.log.warn("Cannot write the day's counts", { err }));
    const report = await buildReport(d.db, { days: 1, now });
    await show(ctx, {
      text: adminStatsText(report, now),
      keyboard: new InlineKeyboard().text("🔄 Обновить", ADMIN_REFRESH),
    });
    ctx.log.info("Admin viewed today's numbers", { admin: ctx.from!.id });
  };
  admins.command("admin", screen);
  admins.callbackQuery(ADMIN_REFRESH, async (ctx) => {
    await screen(ctx);
    await ctx.answerCallbackQuery({ text: "Обновлено" });
  });
  return c;
}
