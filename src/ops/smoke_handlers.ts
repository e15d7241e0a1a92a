// The smoke check of the critical handlers: the real bot, built in-process on a throwaway
// in-memory database, with Telegram answered by a transformer (nothing leaves the process) and a
// stand-in model, takes a user through /start (consent, name, age, gender), /menu, /helper with
// one message, and /settings. Production data is never touched.

import type { Update, UserFromGetMe } from "grammy/types";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { OB } from "../bot/screens/onboarding.ts";
import { createPgliteDb } from "../db/pglite.ts";
import { loadMigrations, migrate } from "../db/migrate.ts";
import { createLogger } from "../log.ts";
import type { Llm } from "../llm/llm.ts";
import type { QuizBank } from "../quiz/content.ts";
import type { QuizCategory } from "../quiz/categories.ts";

const BOT: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: "SoulNear smoke",
  username: "soulnear_smoke_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
} as UserFromGetMe;
const SMOKE_TOKEN = "1:smoke_token_that_never_leaves_the_process";
const USER = { id: 42, is_bot: false, first_name: "Смоук" };
const ANSWER = "Это проверочный ответ.";

const fakeLlm: Llm = {
  complete: (req) => {
    req.onDelta?.(ANSWER);
    return Promise.resolve({
      text: ANSWER,
      model: "smoke",
      inputTokens: 1,
      outputTokens: 1,
      finishReason: "stop",
    });
  },
  embed: (req) => Promise.resolve(req.input.map(() => [1, 0])),
  moderate: () => Promise.resolve([]),
};

interface Step {
  name: string;
  update: (lastMessage: number) => Update;
  /** Text the bot's answer must contain. */
  expect: string | RegExp;
}

export async function smokeHandlers(
  quizzes: ReadonlyMap<QuizCategory, QuizBank>,
): Promise<{ ok: boolean; detail: string }> {
  const db = await createPgliteDb({});
  try {
    await migrate(db, await loadMigrations());
    const log = createLogger({ level: "error", write: () => {} });
    // The real configuration shape, offline: no model layers, a token that never leaves.
    const config = loadConfig({
      BOT_TOKEN: SMOKE_TOKEN,
      OPENAI_MODERATION_MODEL: "off",
      OPENAI_SAFETY_MODEL: "off",
      METRICS_PORT: "0",
    }, { require: ["BOT_TOKEN"] });
    await using app = await createApp(config, {
      db,
      log,
      llm: fakeLlm,
      quizzes,
      botInfo: BOT,
      streamEditMs: 3_600_000,
      drafts: false,
    });
    const { bot } = await app.bot();
    const texts: string[] = [];
    let nextId = 1000;
    let last = 0;
    bot.api.config.use((_prev, method, payload) => {
      const p = payload as Record<string, unknown>;
      if (typeof p.text === "string") texts.push(p.text);
      const result = method === "sendMessage" || method === "editMessageText"
        ? {
          message_id: method === "sendMessage" ? (last = ++nextId) : Number(p.message_id),
          date: Math.floor(Date.now() / 1000),
          chat: { id: USER.id, type: "private", first_name: USER.first_name },
          text: p.text,
        }
        : true;
      return Promise.resolve({ ok: true, result } as never);
    });
    let updateId = 1;
    const message = (text: string): Update => ({
      update_id: updateId++,
      message: {
        message_id: updateId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: USER.id, type: "private", first_name: USER.first_name },
        from: USER,
        text,
        ...(text.startsWith("/")
          ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] }
          : {}),
      },
    } as Update);
    const tap = (data: string) => (on: number): Update => ({
      update_id: updateId++,
      callback_query: {
        id: String(updateId),
        from: USER,
        chat_instance: "smoke",
        data,
        message: {
          message_id: on,
          date: Math.floor(Date.now() / 1000),
          chat: { id: USER.id, type: "private", first_name: USER.first_name },
          text: "",
        },
      },
    } as Update);
    const steps: Step[] = [
      { name: "/start", update: () => message("/start"), expect: /ИИ/ },
      { name: "consent", update: tap(OB.consent), expect: /имя|зовут/i },
      { name: "name", update: tap(OB.nameDefault), expect: /лет|возраст/i },
      { name: "age", update: tap(OB.ageSkip), expect: /пол/i },
      { name: "gender", update: tap(OB.genderSkip), expect: /меню/i },
      { name: "/menu", update: () => message("/menu"), expect: /Главное меню/ },
      { name: "/helper", update: () => message("/helper"), expect: /Поговорить/ },
      { name: "helper message", update: () => message("Привет, это проверка"), expect: ANSWER },
      { name: "/settings", update: () => message("/settings"), expect: /Тон|тон/ },
    ];
    for (const step of steps) {
      const before = texts.length;
      try {
        await bot.handleUpdate(step.update(last));
      } catch (err) {
        return { ok: false, detail: `${step.name} failed: ${(err as Error).message}` };
      }
      const shown = texts.slice(before);
      const hit = shown.some((t) =>
        typeof step.expect === "string" ? t.includes(step.expect) : step.expect.test(t)
      );
      if (!hit) {
        return { ok: false, detail: `${step.name}: unexpected answer ${JSON.stringify(shown)}` };
      }
    }
    return { ok: true, detail: steps.map((s) => s.name).join(", ") };
  } finally {
    await db.close();
  }
}
