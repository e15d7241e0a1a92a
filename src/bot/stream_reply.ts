// Shows an answer while it is generated. Where Telegram supports message drafts, the growing
// text is streamed as a draft (an animated, ephemeral preview) and the final text is sent as a
// normal message; otherwise the first text is sent as a message that is then edited. Either way
// updates come at most once per `editEveryMs` (Telegram allows about one edit a second per
// chat), and the final text is formatted HTML, split below Telegram's length limit, with a
// plain-text fallback when Telegram rejects the markup. An answer whose earlier try was cut off
// (its worker died) is streamed into the messages that try left (`shown`), edited in place or sent
// anew when they are gone; `onShown` hears of every change of the messages showing the answer.

import { GrammyError, type InlineKeyboard } from "grammy";
import type { BotContext, DraftSupport } from "./context.ts";
import { markdownToTelegramHtml, stripToPlainText } from "./format/telegram_html.ts";
import { splitForTelegram } from "./format/split.ts";
import { deleteMessages, isGone, isNotModified, replaceText } from "./replace.ts";

const PREVIEW_LIMIT = 3900;

export interface StreamingReply {
  /** Adds generated text (called for every streamed piece). */
  push(delta: string): void;
  /** Delivers the final text; resolves when every part is shown. */
  finish(markdown: string): Promise<void>;
  /** Replaces the preview (if any) with a notice, e.g. that the model is unavailable. */
  fail(html: string, keyboard?: InlineKeyboard): Promise<void>;
  /** Milliseconds from `started` until the first text was visible, if it ever was. */
  readonly firstTextMs: number | undefined;
}

export interface StreamOptions {
  editEveryMs: number;
  drafts: DraftSupport;
  now?: () => number;
  /** When answering began, on the `now` clock (default: when this reply is made), for firstTextMs. */
  started?: number;
  /** Messages an interrupted try of this answer left: it is streamed into them (by edits). */
  shown?: readonly number[];
  /** Hears the messages that show the answer whenever they change. */
  onShown?: (ids: readonly number[]) => Promise<void>;
}

export function streamingReply(ctx: BotContext, opts: StreamOptions): StreamingReply {
  const now = opts.now ?? (() => performance.now());
  const started = opts.started ?? now();
  const chatId = ctx.chat!.id;
  const draftId = ctx.update.update_id; // non-zero and unique per answer
  let ids: number[] = [...opts.shown ?? []];
  let mode: "draft" | "edit" = opts.drafts.available && !ids.length ? "draft" : "edit";
  let text = "";
  let firstTextMs: number | undefined;
  let lastShown = "";
  let lastAt = 0;
  let busy = false;
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    busy = true;
    chain = chain.then(work).catch((err) => {
      ctx.log.warn("Cannot update the answer preview", { err });
    }).finally(() => busy = false);
  };
  /** The messages showing the answer are now `next`: remembered, and told to `onShown`. */
  const remember = async (next: number[]) => {
    if (next.length === ids.length && next.every((id, i) => id === ids[i])) return;
    ids = next;
    await opts.onShown?.(ids).catch((err) =>
      ctx.log.warn("Cannot record the messages showing an answer", { err })
    );
  };
  const preview = () => {
    const clipped = text.length > PREVIEW_LIMIT ? text.slice(0, PREVIEW_LIMIT) + " …" : text;
    return markdownToTelegramHtml(clipped);
  };
  const shown = (html: string) => {
    firstTextMs ??= Math.round(now() - started);
    lastShown = html;
    lastAt = now();
  };
  const showDraft = async (html: string) => {
    try {
      await ctx.api.sendMessageDraft(chatId, draftId, html, { parse_mode: "HTML" });
      shown(html);
    } catch (err) {
      if (isParseError(err)) return; // this preview only; the final text has its own fallback
      if (!(err instanceof GrammyError && err.error_code < 500)) throw err;
      ctx.log.warn("Telegram refused a message draft; streaming by edits from now on", { err });
      opts.drafts.available = false;
      mode = "edit";
      await remember([await send(ctx, html)]);
      shown(html);
    }
  };
  /** Shows `html` in the `i`-th message of the answer (sent when there is none yet). */
  const put = async (i: number, html: string, plain?: string) => {
    const known = ids[i];
    const id = known === undefined
      ? await send(ctx, html, plain)
      : await edit(ctx, known, html, plain);
    if (id !== known) await remember(ids.toSpliced(i, 1, id));
  };

  return {
    push(delta) {
      text += delta;
      const due = lastAt === 0 || now() - lastAt >= opts.editEveryMs;
      if (busy || !text.trim() || !due) return;
      enqueue(async () => {
        const html = preview();
        if (html === lastShown) return;
        if (mode === "draft") return await showDraft(html);
        await put(0, html);
        shown(html);
      });
    },
    async finish(markdown) {
      await chain;
      const parts = splitForTelegram(markdownToTelegramHtml(markdown));
      // A single part falls back to the whole plain text; several fall back part by part.
      const plain = parts.length === 1 ? stripToPlainText(markdown) : undefined;
      for (const [i, part] of parts.entries()) {
        if (!(i === 0 && ids[0] !== undefined && part === lastShown)) await put(i, part, plain);
        firstTextMs ??= Math.round(now() - started);
      }
      // A cut-off try may have shown more parts than this answer has.
      await dropAfter(parts.length);
    },
    async fail(html, keyboard) {
      await chain;
      await remember([await replaceText(ctx.api, chatId, ids[0], html, keyboard), ...ids.slice(1)]);
      await dropAfter(1);
    },
    get firstTextMs() {
      return firstTextMs;
    },
  };

  async function dropAfter(n: number) {
    if (ids.length <= n) return;
    await deleteMessages(ctx.api, chatId, ids.slice(n), ctx.log);
    await remember(ids.slice(0, n));
  }
}

function isParseError(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 &&
    /can't parse entities|unsupported start tag|can't find end/i.test(err.description);
}

/** The text of an HTML part without its markup, for the plain fallback. */
function plainOf(html: string): string {
  return html.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

async function send(ctx: BotContext, html: string, plain?: string): Promise<number> {
  try {
    return (await ctx.reply(html, { parse_mode: "HTML" })).message_id;
  } catch (err) {
    if (!isParseError(err)) throw err;
    ctx.log.warn("Telegram rejected the answer's markup; sending plain text");
    return (await ctx.reply(plain ?? plainOf(html))).message_id;
  }
}

/** Edits a message of the answer; returns the id of the message showing it (a new one if gone). */
async function edit(ctx: BotContext, messageId: number, html: string, plain?: string) {
  try {
    await ctx.api.editMessageText(ctx.chat!.id, messageId, html, { parse_mode: "HTML" });
  } catch (err) {
    if (isNotModified(err)) return messageId;
    if (isGone(err)) return await send(ctx, html, plain);
    if (!isParseError(err)) throw err;
    ctx.log.warn("Telegram rejected the answer's markup; showing plain text");
    await ctx.api.editMessageText(ctx.chat!.id, messageId, plain ?? plainOf(html));
  }
  return messageId;
}
