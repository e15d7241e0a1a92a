// Scenario replay. fixtures/scenarios/<name>/ holds:
//   updates.json  — the input: raw Telegram updates (as `bot --record` writes them) and/or steps
//                   in shorthand: {"user":"alice","text":"/start"}, {"user":"alice","tap":"ob:consent"}
//                   (a tap on the newest message showing that button; "message": N for an old one),
//                   {"user":"alice","media":"sticker"}, {"user":"alice","edited":"…"},
//                   {"user":"alice","group":"…"}, {"user":"alice","membership":"kicked"},
//                   {"restart": true} (a new bot process on the same database; its messages
//                   are numbered from 1001), {"yookassa": "succeeded"} (YooKassa's newest
//                   payment changes status, as if the user paid on YooKassa's page),
//                   {"advanceHours": 25} (the bot's clock moves on),
//                   {"given": "onboarded", "user": "alice", "name": "Анна", "age": 29,
//                   "gender": "female"} (a prepared state instead of replayed updates: the user
//                   has finished onboarding — given.ts; user defaults to alice, name to the
//                   Telegram first name, age and gender to not given). Scenarios about something
//                   after onboarding start so, and onboarding's texts stay in its own scenarios.
//                   It only writes the database, through the bot's domain functions: no Bot API
//                   calls (its exchange in expected.json is the input with no calls). It takes the
//                   update and message ids the onboarding would have (the name typed unless it is
//                   the Telegram one, the age typed, the gender tapped), so later ids stay those
//                   of a replayed onboarding; a tap on the menu that onboarding would have left
//                   names that message: {"tap": "menu:profile", "message": 104} (104 after a
//                   typed age, else 103 after a typed name, else 101)
//   openai.json   — optional scripted OpenAI responses (see openai_mock.ts)
//   expected.json — per input, the Bot API calls the bot made (normalised) and the requests it
//                   sent to OpenAI (path and body; moderation and the judge first), so prompts
//                   are reviewed like code
//   db.json       — optional [{ "sql": "...", "rows": [...] }] checked after the replay
//   config.json   — optional settings of the bot under test: {"flags": {"enableStyleSettings": "off"}}
//                   (flag values as in the environment: true, false, 25%), "yookassa": true (a
//                   YooKassa mock), "freeDailyMessages": N, "moderationModel" and
//                   "safetyModel" (the crisis triage's moderation and judge layers, off by
//                   default), "safetyTimeoutMs"
// With UPDATE_GOLDEN=1 expected.json is rewritten instead of compared.

import type { Update } from "grammy/types";
import { startTestBot, TEST_NOW, type TestFlags } from "./bot.ts";
import type { Metrics } from "../../src/metrics/metrics.ts";
import type { Queryable } from "../../src/db/db.ts";
import { updateType } from "../../src/bot/update_log.ts";
import { parseFlag } from "../../src/flags.ts";
import { ALICE, type ApiCall, BOB, type Person, Updates } from "./telegram.ts";
import { type ScriptedResponse, startOpenAiMock } from "./openai_mock.ts";
import { normalise, plain, readJson, SCENARIOS_DIR } from "./scenario_files.ts";
import { type MockPayment, startYooKassaMock } from "./yookassa_mock.ts";
import { type Given, givenOnboarded } from "./given.ts";

const PEOPLE: Record<string, Person> = {
  alice: ALICE,
  bob: BOB,
  nameless: {
    id: 100_003,
    first_name: "🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸🌸",
  },
};

export type Step =
  & { user?: string; message?: number }
  & (
    | { text: string }
    | { tap: string }
    | { media: "sticker" | "photo" | "voice" | "document" | "video" }
    | { edited: string }
    | { group: string }
    | { membership: "kicked" | "member" }
  );

export interface Exchange {
  input: unknown;
  calls: ApiCall[];
  openai?: Array<{ path: string; body: unknown }>;
  /** Requests to the YooKassa mock (random idempotence keys shown as "<key>"). */
  yookassa?: Array<{ method: string; path: string; idempotenceKey?: string; body: unknown }>;
}

export interface DbCheck {
  sql: string;
  /** The rows db.json expects. */
  rows: unknown[];
}

export interface DbResult extends DbCheck {
  /** The rows the query returned after the replay. */
  actual: unknown[];
}

export interface ScenarioResult {
  exchanges: Exchange[];
  db: DbResult[];
  /** Scripted OpenAI responses the bot never asked for, and requests nobody scripted. */
  openaiLeftover: number;
  openaiUnscripted: number;
  errorLines: string[];
  /** The type of every update handled (as the update log names it). */
  updateTypes: string[];
  /** Paths of every request the OpenAI mock received. */
  openaiPaths: string[];
  /** Every log line of the bot(s). */
  logLines: string[];
}

export interface ReplayOptions {
  /** Record into these metrics (a registry of the bot's own by default). */
  metrics?: Metrics;
  /** Looks at the database after the replay, before it is thrown away. */
  inspect?: (db: Queryable) => Promise<void>;
}

export interface ScenarioConfig {
  flags?: Partial<Record<keyof TestFlags, string>>;
  yookassa?: boolean;
  freeDailyMessages?: number;
  /** The crisis gate's moderation model (calls go to the OpenAI mock). */
  moderationModel?: string;
  /** The triage judge's model, and how long moderation and the judge may take. */
  safetyModel?: string;
  safetyTimeoutMs?: number;
  openaiTimeoutMs?: number;
  openaiMaxRetries?: number;
  /** Telegram user ids of admins (alice is 100001). */
  adminIds?: number[];
}

function parseFlags(raw: Partial<Record<keyof TestFlags, string>>): Partial<TestFlags> {
  const out: Partial<TestFlags> = {};
  for (const [key, value] of Object.entries(raw)) {
    const flag = parseFlag(value);
    if (!flag) throw new Error(`config.json: flag ${key}=${value} is not true, false or N%`);
    out[key as keyof TestFlags] = flag;
  }
  return out;
}

export async function replayScenario(
  name: string,
  replay: ReplayOptions = {},
): Promise<ScenarioResult> {
  const dir = new URL(`${name}/`, SCENARIOS_DIR);
  const inputs = await readJson<
    Array<
      | Update
      | Step
      | { restart: true }
      | { yookassa: MockPayment["status"] }
      | { advanceHours: number }
      | Given
    >
  >(
    new URL("updates.json", dir),
  );
  if (!inputs) throw new Error(`Scenario ${name} has no updates.json`);
  const script = await readJson<ScriptedResponse[]>(new URL("openai.json", dir)) ?? [];
  const checks = await readJson<DbCheck[]>(new URL("db.json", dir)) ?? [];
  const config = await readJson<ScenarioConfig>(new URL("config.json", dir)) ?? {};
  await using openai = await startOpenAiMock();
  openai.script(...script);
  await using yookassa = startYooKassaMock();
  let clockMs = Date.parse(TEST_NOW);
  const options = {
    now: () => new Date(clockMs),
    safetyModel: config.safetyModel,
    safetyTimeoutMs: config.safetyTimeoutMs,
    yookassaUrl: config.yookassa ? yookassa.apiUrl : undefined,
    freeDailyMessages: config.freeDailyMessages,
    moderationModel: config.moderationModel,
    flags: parseFlags(config.flags ?? {}),
    openaiBaseUrl: openai.baseUrl,
    openaiTimeoutMs: config.openaiTimeoutMs,
    openaiMaxRetries: config.openaiMaxRetries,
    metrics: replay.metrics,
    adminIds: config.adminIds,
  };
  await using first = await startTestBot(options);
  let bot = first;
  const bots = [first];
  const allCalls: ApiCall[] = [];
  const builder = new Updates();
  const exchanges: Exchange[] = [];
  const updateTypes: string[] = [];
  for (const input of inputs) {
    if ("advanceHours" in input) {
      clockMs += input.advanceHours * 60 * 60 * 1000;
      exchanges.push({ input, calls: [] });
      continue;
    }
    if ("yookassa" in input) {
      const latest = yookassa.latest();
      if (!latest) throw new Error("A yookassa step before any payment was created");
      yookassa.setStatus(latest.id, input.yookassa);
      exchanges.push({ input, calls: [] });
      continue;
    }
    if ("given" in input) {
      if (input.given !== "onboarded") throw new Error(`Unknown given state ${input.given}`);
      const history = await givenOnboarded(first.db, person(input.user), input, new Date(clockMs));
      builder.skip(history.updates, history.messages);
      bot.api.skipMessageIds(history.messageIds);
      exchanges.push({ input, calls: [] });
      continue;
    }
    if ("restart" in input) {
      allCalls.push(...bot.api.calls);
      bot = await startTestBot({ ...options, db: first.db, firstMessageId: 1001 });
      bots.push(bot);
      exchanges.push({ input, calls: [] });
      continue;
    }
    const before = bot.api.calls.length;
    const asked = openai.requests.length;
    const paid = yookassa.requests.length;
    const known = [...allCalls, ...bot.api.calls];
    const update = "update_id" in input ? input : toUpdate(builder, input, known);
    updateTypes.push(updateType(update));
    await bot.handle(update);
    const exchange: Exchange = { input, calls: normalise(bot.api.calls.slice(before)) };
    const requests = inOrder(openai.requests.slice(asked), config.safetyModel)
      .map((r) => ({ path: r.path, body: r.body }));
    if (requests.length) exchange.openai = requests;
    const payments = yookassa.requests.slice(paid).map((r) => ({
      method: r.method,
      path: r.path.replace(/\/payments\/.+$/, "/payments/<id>"),
      ...(r.idempotenceKey ? { idempotenceKey: "<key>" } : {}),
      body: r.body,
    }));
    if (payments.length) exchange.yookassa = payments;
    exchanges.push(exchange);
  }
  const db: DbResult[] = [];
  for (const check of checks) {
    db.push({ ...check, actual: plain(await first.db.query(check.sql)) });
  }
  await replay.inspect?.(first.db);
  return {
    exchanges,
    db,
    openaiLeftover: openai.pending(),
    openaiUnscripted: openai.unscripted,
    errorLines: bots.flatMap((b) => b.log.lines).filter((l) => /^(ERROR|CRITICAL)/.test(l)),
    updateTypes,
    openaiPaths: openai.requests.map((r) => r.path),
    logLines: bots.flatMap((b) => b.log.lines),
  };
}

/**
 * An exchange's OpenAI requests in a fixed order: moderation, the triage judge, then the rest as
 * they came. The triage's layers and the answer started while they decide are asked together,
 * so the order they arrive in is not the bot's.
 */
function inOrder<T extends { path: string; body: Record<string, unknown> | null }>(
  requests: T[],
  judgeModel: string | undefined,
): T[] {
  const rank = (r: T) =>
    r.path === "/v1/moderations" ? 0 : judgeModel && r.body?.model === judgeModel ? 1 : 2;
  return requests.toSorted((a, b) => rank(a) - rank(b));
}

function person(user = "alice"): Person {
  const who = PEOPLE[user];
  if (!who) throw new Error(`Unknown user ${user} (known: ${Object.keys(PEOPLE)})`);
  return who;
}

function toUpdate(u: Updates, step: Step, calls: ApiCall[]): Update {
  const who = person(step.user);
  if ("text" in step) return u.text(who, step.text);
  if ("tap" in step) {
    return u.callback(who, step.tap, step.message ?? showing(calls, who, step.tap));
  }
  if ("media" in step) return u.media(who, step.media);
  if ("edited" in step) return u.edited(who, step.edited);
  if ("group" in step) return u.group(who, step.group);
  return u.membership(who, step.membership);
}

/** The newest message in this chat whose keyboard has a button with this callback data. */
function showing(calls: ApiCall[], who: Person, data: string): number {
  for (let i = calls.length - 1; i >= 0; i--) {
    const c = calls[i]!;
    if (c.payload.chat_id !== who.id) continue;
    const markup = JSON.stringify(c.payload.reply_markup ?? {});
    if (!markup.includes(`"callback_data":${JSON.stringify(data)}`)) continue;
    if (c.method === "editMessageText") return Number(c.payload.message_id);
    const result = c.result as { message_id?: number } | undefined;
    if (result?.message_id) return result.message_id;
  }
  throw new Error(`No message of ${who.first_name} shows a button ${data}`);
}
