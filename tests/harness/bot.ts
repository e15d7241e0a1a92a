// An offline bot for tests: the real createBot on a fresh database, with every Bot API call
// recorded (no network) and a memory logger whose lines tests can inspect.

import { type Bot, BotError } from "grammy";
import type { BotContext } from "../../src/bot/context.ts";
import type { Update } from "grammy/types";
import { createBot } from "../../src/bot/bot.ts";
import type { Flag } from "../../src/flags.ts";
import { memoryLogger } from "../../src/log.ts";
import { freshDb, type TestDb } from "./db.ts";
import { type ApiCall, BOT_INFO, recordApi, type Recorder, TEST_TOKEN } from "./telegram.ts";

export interface TestBot extends AsyncDisposable {
  bot: Bot<BotContext>;
  db: TestDb;
  api: Recorder;
  log: ReturnType<typeof memoryLogger>;
  /** Feeds updates one after another, as Telegram would deliver them to one chat. */
  send(...updates: Update[]): Promise<void>;
  handle(update: Update): Promise<void>;
}

/** The fixed "now" of offline tests: 24 Nov 2026, 12:00 in Moscow. */
export const TEST_NOW = "2026-11-24T09:00:00Z";

/** Feature flags of the bot under test; all on unless a test says otherwise. */
export interface TestFlags {
  enableStyleSettings: Flag;
}

export interface TestBotOptions {
  delayMs?: (call: ApiCall) => number;
  db?: TestDb;
  flags?: Partial<TestFlags>;
  now?: () => Date;
}

export async function startTestBot(opts: TestBotOptions = {}): Promise<TestBot> {
  const db = opts.db ?? await freshDb();
  const log = memoryLogger();
  const { bot } = createBot({
    token: TEST_TOKEN,
    apiRoot: "http://127.0.0.1:9",
    db,
    log,
    botInfo: BOT_INFO,
    flags: { enableStyleSettings: { mode: "on" }, ...opts.flags },
    now: opts.now ?? (() => new Date(TEST_NOW)),
  });
  const api = recordApi(bot, { delayMs: opts.delayMs });
  // As the runner does: handleUpdate throws a BotError, which goes to the bot.catch handler.
  const handle = async (u: Update) => {
    try {
      await bot.handleUpdate(u);
    } catch (err) {
      if (!(err instanceof BotError)) throw err;
      await bot.errorHandler(err);
    }
  };
  return {
    bot,
    db,
    api,
    log,
    handle,
    async send(...updates) {
      for (const u of updates) await handle(u);
    },
    [Symbol.asyncDispose]: () => db[Symbol.asyncDispose](),
  };
}
