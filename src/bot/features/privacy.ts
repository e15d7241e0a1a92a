// /export_my_data: a JSON file with everything stored about the user. /delete_me: after an
// explicit confirmation, deletes all of it; the next message starts as a new user.

import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { BotContext, BotServices } from "../context.ts";
import { ack, show } from "../ui.ts";
import { endFlow, MENU } from "../nav.ts";
import { deleteUserData, exportUserData } from "../../privacy/privacy.ts";

/** What export and deletion use. */
export type PrivacyDeps = Pick<BotServices, "db" | "now" | "tally">;

export const PRIVACY = { confirmDelete: "privacy:delete:yes" } as const;

export const DELETE_CONFIRM = "🗑 <b>Удалить все мои данные?</b>\n\n" +
  "Будут удалены: профиль, настройки стиля, все разговоры, результаты квизов, психологический " +
  "профиль и история действий. Платежи останутся только как обезличенные бухгалтерские записи, " +
  "без связи с вами. Отменить удаление нельзя.\n\n" +
  "Если хотите сначала сохранить копию, отправьте /export_my_data.";
export const DELETED = "Готово: все ваши данные удалены. Спасибо, что были с нами. Если " +
  "захотите вернуться, просто напишите /start — начнём с чистого листа.";

export function privacyFeature(d: PrivacyDeps): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("export_my_data", async (ctx) => {
    endFlow(ctx);
    const { db, now } = d;
    const data = await exportUserData(db, ctx.user.id, now());
    const file = new InputFile(
      new TextEncoder().encode(JSON.stringify(data, null, 2)),
      "soulnear-my-data.json",
    );
    await ctx.replyWithDocument(file, {
      caption: "📦 Всё, что SoulNear хранит о вас, — в этом файле (JSON).",
    });
  });
  c.command("delete_me", async (ctx) => {
    endFlow(ctx);
    await show(ctx, {
      text: DELETE_CONFIRM,
      keyboard: new InlineKeyboard().text("🗑 Да, удалить всё", PRIVACY.confirmDelete).row()
        .text("Отмена", MENU.main),
    }, { fresh: true });
  });
  c.callbackQuery(PRIVACY.confirmDelete, async (ctx) => {
    await ack(ctx);
    await deleteUserData(d.db, ctx.user.id);
    ctx.session = {}; // an empty dialog state is deleted, not written back
    ctx.log.info("A user deleted their data");
    await ctx.editMessageText(DELETED).catch(() => ctx.reply(DELETED));
  });
  return c;
}
