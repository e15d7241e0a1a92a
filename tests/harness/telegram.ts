// Telegram without network: builds the real bot with a fixed botInfo, records every outgoing
// Bot API call through a transformer that answers with realistic results, and offers builders
// for message, command and callback updates fed through bot.handleUpdate.

import type { Bot } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import type { BotContext } from "../../src/bot/context.ts";

export const BOT_INFO: UserFromGetMe = {
  id: 7_000_000_001,
  is_bot: true,
  first_name: "SoulNear Test",
  username: "soulnear_test_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export const TEST_TOKEN = "7000000001:AAtest_token_for_offline_tests_only";

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  /** What the fake Bot API answered (not part of golden files). */
  result?: unknown;
  /** When the fake Bot API over HTTP received it (performance.now()). */
  at?: number;
}

export interface Recorder {
  calls: ApiCall[];
  /** Calls of one method, payloads only. */
  of(method: string): Record<string, unknown>[];
  /** Texts sent with sendMessage or editMessageText, in order. */
  texts(): string[];
  clear(): void;
  /** Gives the next `n` message ids to messages sent before (a scenario's prepared state). */
  skipMessageIds(n: number): void;
  /** Makes the next call (or the next `times` calls) of `method` fail with this Telegram error. */
  failNext(method: string, error_code: number, description: string, times?: number): void;
}

/** Installs the recording transformer; nothing reaches the network afterwards. */
export function recordApi(
  bot: Bot<BotContext>,
  opts: { delayMs?: (call: ApiCall) => number; firstMessageId?: number } = {},
): Recorder {
  const calls: ApiCall[] = [];
  const failures = new Map<string, { error_code: number; description: string; times: number }>();
  let messageId = (opts.firstMessageId ?? 101) - 1;
  bot.api.config.use(async (_prev, method, payload) => {
    const call = { method, payload: structuredClone(payload ?? {}) as Record<string, unknown> };
    calls.push(call);
    const delay = opts.delayMs?.(call) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const failure = failures.get(method);
    if (failure) {
      if (--failure.times <= 0) failures.delete(method);
      const { error_code, description } = failure;
      // deno-lint-ignore no-explicit-any -- a transformer may return any API response shape
      return { ok: false, error_code, description } as any;
    }
    const result = fakeResult(method, call.payload, () => ++messageId);
    Object.defineProperty(call, "result", { value: result, enumerable: false });
    // deno-lint-ignore no-explicit-any -- see above
    return { ok: true, result } as any;
  });
  return {
    calls,
    of: (method) => calls.filter((c) => c.method === method).map((c) => c.payload),
    texts: () =>
      calls.filter((c) => c.method === "sendMessage" || c.method === "editMessageText")
        .map((c) => String(c.payload.text)),
    clear: () => void calls.splice(0),
    skipMessageIds: (n) => void (messageId += n),
    failNext: (method, error_code, description, times = 1) =>
      void failures.set(method, { error_code, description, times }),
  };
}

/** The callback data of every button of a payload's inline keyboard ([] without one). */
export function buttons(payload: Record<string, unknown> | undefined): string[] {
  const markup = payload?.reply_markup as
    | { inline_keyboard: Array<Array<{ callback_data?: string }>> }
    | undefined;
  return markup?.inline_keyboard.flat().map((b) => b.callback_data ?? "") ?? [];
}

function fakeResult(method: string, p: Record<string, unknown>, nextId: () => number): unknown {
  const chat = { id: Number(p.chat_id ?? 0), type: "private", first_name: "User" };
  const message = (extra: Record<string, unknown>) => ({
    message_id: nextId(),
    date: 1_700_000_000,
    chat,
    from: {
      id: BOT_INFO.id,
      is_bot: true,
      first_name: BOT_INFO.first_name,
      username: BOT_INFO.username,
    },
    ...extra,
  });
  switch (method) {
    case "getMe":
      return BOT_INFO;
    case "sendMessage":
      return message({ text: p.text, reply_markup: p.reply_markup });
    case "editMessageText":
      return p.inline_message_id
        ? true
        : { ...message({ text: p.text }), message_id: p.message_id };
    case "sendPhoto":
    case "sendDocument":
      return message({ caption: p.caption });
    case "getUpdates":
      return [];
    default:
      return true; // answerCallbackQuery, setMyCommands, deleteMessage, sendChatAction, ...
  }
}

// ---- update builders ------------------------------------------------------------------------

export interface Person {
  id: number;
  first_name: string;
  username?: string;
  language_code?: string;
}

export const ALICE: Person = {
  id: 100_001,
  first_name: "Алиса",
  username: "alice",
  language_code: "ru",
};
export const BOB: Person = { id: 100_002, first_name: "Боб", language_code: "ru" };

export class Updates {
  private nextUpdateId = 1;
  private nextMessageId = 1;
  constructor(private date = 1_700_000_000) {}

  /** Moves on as if `updates` updates, `messages` of them messages, had been built before. */
  skip(updates: number, messages: number): void {
    this.nextUpdateId += updates;
    this.nextMessageId += messages;
    this.date += updates;
  }

  private base(): { update_id: number } {
    return { update_id: this.nextUpdateId++ };
  }

  text(from: Person, text: string): Update {
    const entities = text.startsWith("/")
      ? [{ type: "bot_command" as const, offset: 0, length: text.split(/\s/)[0]!.length }]
      : undefined;
    return {
      ...this.base(),
      message: {
        message_id: this.nextMessageId++,
        date: this.date++,
        chat: {
          id: from.id,
          type: "private",
          first_name: from.first_name,
          username: from.username,
        },
        from: { is_bot: false, ...from },
        text,
        ...(entities ? { entities } : {}),
      },
    } as Update;
  }

  command(from: Person, command: string): Update {
    return this.text(from, command.startsWith("/") ? command : `/${command}`);
  }

  private message(from: Person, extra: Record<string, unknown>, chat?: Record<string, unknown>) {
    return {
      message_id: this.nextMessageId++,
      date: this.date++,
      chat: chat ?? { id: from.id, type: "private", first_name: from.first_name },
      from: { is_bot: false, ...from },
      ...extra,
    };
  }

  /** A non-text message: sticker, photo, voice, document or video. */
  media(from: Person, kind: "sticker" | "photo" | "voice" | "document" | "video"): Update {
    const file = { file_id: "file", file_unique_id: "file" };
    const body = {
      sticker: {
        sticker: {
          ...file,
          type: "regular",
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
        },
      },
      photo: { photo: [{ ...file, width: 90, height: 90 }] },
      voice: { voice: { ...file, duration: 3 } },
      document: { document: { ...file, file_name: "notes.pdf" } },
      video: { video: { ...file, width: 640, height: 360, duration: 5 } },
    }[kind];
    return { ...this.base(), message: this.message(from, body) } as unknown as Update;
  }

  edited(from: Person, text: string): Update {
    return {
      ...this.base(),
      edited_message: { ...this.message(from, { text }), edit_date: this.date },
    } as unknown as Update;
  }

  /** A message in a group the bot was added to. */
  group(from: Person, text: string): Update {
    const chat = { id: -1_001_234_567_890, type: "supergroup", title: "Group" };
    return { ...this.base(), message: this.message(from, { text }, chat) } as unknown as Update;
  }

  /** The user blocked (or unblocked) the bot. */
  membership(from: Person, status: "kicked" | "member"): Update {
    const bot = { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name };
    return {
      ...this.base(),
      my_chat_member: {
        chat: { id: from.id, type: "private", first_name: from.first_name },
        from: { is_bot: false, ...from },
        date: this.date++,
        old_chat_member: { user: bot, status: status === "kicked" ? "member" : "kicked" },
        new_chat_member: status === "kicked"
          ? { user: bot, status, until_date: 0 }
          : { user: bot, status },
      },
    } as Update;
  }

  callback(from: Person, data: string, messageId = 1, messageText = "…"): Update {
    return {
      ...this.base(),
      callback_query: {
        id: String(this.nextUpdateId * 1000),
        chat_instance: "ci",
        from: { is_bot: false, ...from },
        data,
        message: {
          message_id: messageId,
          date: this.date++,
          chat: { id: from.id, type: "private", first_name: from.first_name },
          from: { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name },
          text: messageText,
        },
      },
    } as Update;
  }
}
