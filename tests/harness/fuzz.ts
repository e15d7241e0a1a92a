// Malformed updates for the fuzz test (tests/integration/fuzz_test.ts), from a seeded PRNG so a
// failing run can be replayed: callback data with impossible ids and unknown prefixes, oversized
// text, control characters and lone surrogates, text that is not a string, unknown update kinds,
// edited messages, groups, inline buttons, huge ids within Telegram's range and updates without a
// sender — mixed with real commands and the buttons the bot last showed, so the bot is driven
// into its flows (chats, quizzes, the safety plan, onboarding) and the odd input arrives there.

import type { Update } from "grammy/types";
import { BOT_INFO, type Person, type Updates } from "./telegram.ts";
import { BOT_COMMANDS } from "../../src/bot/commands.ts";

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Telegram's user ids fit in 52 bits; supergroup chat ids are -100 followed by 10–13 digits. */
export const MAX_USER_ID = 2 ** 52 - 1;
const GROUP_CHAT_ID = -1_009_999_999_999;

const CONTROLS = [
  "\u0000",
  "\u0001",
  "\u0007",
  "\b",
  "\u000b",
  "\f",
  "\r",
  "\u001b",
  "\u001f",
  "\u007f",
  "\ud800",
  "\udbff",
  "\udfff",
];
const WORDS = [
  "привет",
  "мне грустно",
  "не могу уснуть",
  "Маша",
  "33",
  "1",
  "5",
  "3",
  "да",
  "нет",
  "сон про море",
  "всё нормально",
  "😀",
  "🫠🫠",
  "  ",
  "иногда думаю, что всем было бы лучше без меня",
  "не хочу больше жить",
];
const ID_PREFIXES = [
  "chat:retry:",
  "chat:held:",
  "pay:check:",
  "pay:cancel:",
  "pay:plan:",
  "safety:fa:",
  "plan:step:",
  "plan:skip:",
];
const OTHER_PREFIXES = [
  "quiz:intro:",
  "quiz:start:",
  "quiz:resume:",
  "chat:clear:",
  "st:",
  "menu:",
  "profile:",
  "ob:",
  "ob:gender:",
  "safety:",
  "plan:",
  "privacy:",
  "legacy:",
  "",
];
const KNOWN_DATA = [
  "menu:main",
  "menu:helper",
  "menu:soulsleep",
  "menu:quiz",
  "menu:profile",
  "menu:settings",
  "menu:sub",
  "menu:help",
  "profile:show",
  "profile:edit",
  "profile:psy",
  "quiz:list",
  "quiz:intro:money",
  "quiz:start:fears",
  "quiz:pause",
  "plan:open",
  "plan:start",
  "plan:edit",
  "safety:sos",
  "safety:grounding",
  "safety:better",
  "safety:still",
  "safety:fa:quiz",
  "pay:offer",
  "pay:plan:1",
];
const BAD_IDS = [
  "99999999999999999999",
  "9223372036854775807",
  "9223372036854775808",
  "18446744073709551616",
  "9007199254740993",
  "1234567890123456",
  "-1",
  "-9223372036854775809",
  "NaN",
  "Infinity",
  "1e309",
  "1.5",
  "0x10",
  "",
  " 1",
  "1 ",
  "١٢٣",
  "0",
  "000000000000000000001",
];
/** Every command but /delete_me: the fuzzed users stay onboarded, so a stale press stays stale. */
const COMMANDS = BOT_COMMANDS.map((c) => c.command).filter((c) => c !== "delete_me");
const ODD_VALUES: unknown[] = [5, -1, 1.5, 0, true, false, null, {}, [], ["a"], { text: "x" }, NaN];

/** What the fuzzer made of an update, for the test's bookkeeping. */
export interface Fuzzed {
  update: Update;
  /** The callback query's id, when the update carries one. */
  callbackId?: string;
  /** A press of the onboarded user whose data carries an id that cannot be one. */
  impossibleId?: boolean;
}

const VALID_ID = /^\d{1,15}$/;

/** Whether callback data of a button with ids carries one that is not 1 to 15 digits. */
export function hasImpossibleId(data: string): boolean {
  const prefix = ID_PREFIXES.find((p) => data.startsWith(p));
  if (prefix) return !VALID_ID.test(data.slice(prefix.length));
  const quiz = /^quiz:a:([^:]*):([^:]*):/.exec(data);
  return !!quiz && (!VALID_ID.test(quiz[1]!) || !VALID_ID.test(quiz[2]!));
}

export class Fuzzer {
  private readonly r: () => number;
  /** Recent updates of the private chats, to be delivered again (as after a crash). */
  private readonly sent: Update[] = [];
  constructor(seed: number, private readonly u: Updates) {
    this.r = prng(seed);
  }

  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }

  /** The next update from `who`, given the callback data of the buttons last shown to them. */
  next(who: Person, shown: readonly string[]): Fuzzed {
    const roll = this.int(100);
    let update: Update;
    let impossibleId = false;
    if (roll < 52) {
      if (roll < 28) update = this.u.text(who, this.text());
      else {
        const data = this.data(shown);
        impossibleId = hasImpossibleId(data);
        update = this.u.callback(who, data, this.int(400) + 1);
      }
      // Only these: a press the bot ignores (a group's, an inline message's) is not deduplicated
      // and would be answered again, which Telegram refuses (privateOnly lets that pass).
      if (this.sent.push(structuredClone(update)) > 100) this.sent.splice(0, 50);
    } else if (roll < 58) update = this.oddText(who);
    else if (roll < 63) update = this.media(who);
    else if (roll < 67) update = this.u.edited(who, this.text());
    else if (roll < 71) update = this.group(who);
    else if (roll < 75) update = this.unknownKind(who);
    else if (roll < 78) update = this.withoutSender(who);
    else if (roll < 82) update = this.stranger();
    else if (roll < 84) update = this.u.membership(who, this.chance(0.5) ? "kicked" : "member");
    else if (roll < 87 && this.sent.length > 0) update = this.pick(this.sent.slice(-50));
    else if (roll < 92) update = this.inlineButton(who);
    else update = this.u.callback(who, this.pick(KNOWN_DATA), this.int(400) + 1);
    return { update, callbackId: update.callback_query?.id, impossibleId };
  }

  /** A command, a word, a long text, with or without control characters. */
  text(): string {
    const roll = this.int(10);
    let s: string;
    if (roll < 3) {
      const cmd = this.chance(0.9)
        ? this.pick(COMMANDS)
        : this.pick(["nonsense", `start@${BOT_INFO.username}`, "Start", "x".repeat(40)]);
      s = `/${cmd}` + (this.chance(0.3) ? ` ${this.pick(["quiz_money", "ads", "1", "5"])}` : "");
    } else if (roll < 9 || this.chance(0.7)) {
      s = this.pick(WORDS);
    } else {
      const unit = this.pick(WORDS) + " ";
      s = unit.repeat(Math.ceil((this.int(10_000) + 1) / unit.length)).slice(0, 10_000);
    }
    if (this.chance(0.35)) s = this.sprinkle(s);
    if (this.chance(0.03)) {
      s = Array.from({ length: this.int(5) + 1 }, () => this.control()).join("");
    }
    return s;
  }

  private control(): string {
    return this.pick(CONTROLS);
  }

  private sprinkle(s: string): string {
    const chars = [...s];
    for (let i = this.int(4) + 1; i > 0; i--) {
      chars.splice(this.int(chars.length + 1), 0, this.control());
    }
    return chars.join("");
  }

  /** Callback data: a shown button, an id out of range, an unknown prefix, or worse. */
  data(shown: readonly string[]): string {
    const roll = this.int(10);
    if (roll < 4 && shown.length > 0) return this.pick(shown);
    if (roll < 7) {
      const prefix = this.pick(ID_PREFIXES);
      return prefix + this.id();
    }
    if (roll < 8) {
      return `quiz:a:${this.id()}:${this.id()}:${this.pick(["1", "5", "skip", "a", ""])}`;
    }
    if (roll < 9) return this.pick(OTHER_PREFIXES) + this.junk(this.int(70));
    return this.sprinkle(this.pick(shown.length > 0 ? shown : KNOWN_DATA));
  }

  private id(): string {
    if (this.chance(0.6)) return this.pick(BAD_IDS);
    return Array.from({ length: this.int(30) + 1 }, () => String(this.int(10))).join("");
  }

  private junk(n: number): string {
    const alphabet = "abcz:_-09Ыж😀 ";
    return Array.from({ length: n }, () => alphabet[this.int(alphabet.length)]).join("");
  }

  /** A message whose text, caption or entities are not what the Bot API promises. */
  private oddText(who: Person): Update {
    const base = this.u.text(who, "/start") as unknown as { message: Record<string, unknown> };
    const roll = this.int(4);
    if (roll === 0) {
      base.message.text = this.pick(ODD_VALUES);
    } else if (roll === 1) {
      base.message.text = this.pick(ODD_VALUES);
      delete base.message.entities;
    } else if (roll === 2) {
      base.message.text = "/helper";
      base.message.entities = this.pick<unknown>([
        "x",
        5,
        [null],
        [5],
        [{ type: "bot_command", offset: "0", length: "7" }],
        [{ type: "bot_command", offset: 0, length: 900 }],
        [{ type: "bot_command", offset: -3, length: 2 }],
        {},
      ]);
    } else {
      delete base.message.text;
      delete base.message.entities;
      base.message.caption = this.pick(ODD_VALUES);
      base.message.photo = [{ file_id: "f", file_unique_id: "f", width: 1, height: 1 }];
    }
    return base as unknown as Update;
  }

  private media(who: Person): Update {
    const update = this.u.media(who, this.pick(["sticker", "photo", "voice", "document", "video"]));
    if (this.chance(0.5)) {
      const message = (update as unknown as { message: Record<string, unknown> }).message;
      message.caption = this.text();
    }
    return update;
  }

  private group(who: Person): Update {
    if (this.chance(0.5)) return this.u.group(who, this.text());
    const update = this.u.callback(who, this.data([]), 1);
    const message = update.callback_query!.message as unknown as Record<string, unknown>;
    message.chat = { id: GROUP_CHAT_ID, type: "supergroup", title: "Group" };
    return update;
  }

  /** A button of an inline message (no message, no chat), or a game button (no data). */
  private inlineButton(who: Person): Update {
    const update = this.u.callback(who, this.data([]), 1);
    const q = update.callback_query as unknown as Record<string, unknown>;
    const roll = this.int(4);
    if (roll === 0) {
      delete q.message;
      q.inline_message_id = "AAAA";
    } else if (roll === 1) {
      delete q.data;
      q.game_short_name = "game";
    } else {
      q.data = this.pick(ODD_VALUES);
    }
    return update;
  }

  private unknownKind(who: Person): Update {
    const id = this.u.text(who, "x").update_id;
    const user = { id: who.id, is_bot: false, first_name: who.first_name };
    const chat = { id: who.id, type: "private", first_name: who.first_name };
    const kinds: Record<string, unknown>[] = [
      { poll: { id: "p", question: "?", options: [], total_voter_count: 0, is_closed: false } },
      { poll_answer: { poll_id: "p", user, option_ids: [0] } },
      { inline_query: { id: "iq", from: user, query: "x", offset: "" } },
      { chosen_inline_result: { result_id: "r", from: user, query: "x" } },
      { pre_checkout_query: { id: "pc", from: user, currency: "RUB", total_amount: 1 } },
      {
        message_reaction: {
          chat,
          message_id: 1,
          user,
          date: 1,
          old_reaction: [],
          new_reaction: [{ type: "emoji", emoji: "👍" }],
        },
      },
      { chat_join_request: { chat, from: user, user_chat_id: who.id, date: 1 } },
      { business_message: { message_id: 1, date: 1, chat, from: user, text: "hi\u0000" } },
      { something_new: { from: user, chat } },
      {},
    ];
    return { update_id: id, ...this.pick(kinds) } as unknown as Update;
  }

  private withoutSender(who: Person): Update {
    const update = this.u.text(who, this.text());
    delete (update.message as unknown as Record<string, unknown>).from;
    return update;
  }

  /** Someone never seen before, with an id at the edge of Telegram's range and an odd name. */
  private stranger(): Update {
    const who: Person = {
      id: MAX_USER_ID - this.int(1000),
      first_name: this.sprinkle(this.pick(["Незнакомец", "", "𝔖𝔱𝔯𝔞𝔫𝔤𝔢𝔯", "x".repeat(64)])),
      username: this.chance(0.5) ? this.sprinkle("stranger") : undefined,
      language_code: this.chance(0.5) ? "ru" : this.control(),
    };
    return this.chance(0.6)
      ? this.u.text(who, this.text())
      : this.u.callback(who, this.data(KNOWN_DATA), 1);
  }
}
