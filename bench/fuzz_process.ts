// Benchmark: two rounds of 10,000 malformed updates (tests/harness/fuzz.ts) through the real
// `soulbot bot` process — the fake Bot API serves them by long polling, the OpenAI mock answers —
// and the process's resident memory read from /proc after onboarding, after the first round and
// after the second. Prints the figures; exits non-zero if an ERROR line was logged, a press went
// unanswered or twice, an apology was sent, or the second round grew memory beyond the bound.
// Run: deno task bench:fuzz [updates per round]   (TEST_DATABASE_URL selects PostgreSQL, else PGlite)

import type { Update } from "grammy/types";
import { startFakeBotApi } from "../tests/harness/fake_bot_api.ts";
import { spawnSoulbot } from "../tests/harness/cli.ts";
import { processDb } from "../tests/harness/db.ts";
import { startOpenAiMock } from "../tests/harness/openai_mock.ts";
import { buttons, type Person, TEST_TOKEN, Updates } from "../tests/harness/telegram.ts";
import { Fuzzer } from "../tests/harness/fuzz.ts";
import { OB } from "../src/bot/screens/onboarding.ts";
import { APOLOGY } from "../src/bot/bot.ts";

const PER_ROUND = Number(Deno.args[0] ?? 10_000);
const ROUNDS = Math.max(2, Number(Deno.args[1] ?? 2));
/**
 * Growth allowed in the second round, after the first has warmed everything up. Measured RSS moves
 * by ±150 MiB with the timing of V8's collections (381, 332, 481, 351 MiB after four rounds), so
 * the bound on RSS is loose and the one on the heap in use is the leak check.
 */
const RSS_BOUND_MIB = 128;
const HEAP_BOUND_MIB = 64;
const BATCH = 500;
/** Enough people that a batch is a few updates per chat, as from people (the spam limit aside). */
const PEOPLE: Person[] = Array.from({ length: 50 }, (_, i) => ({
  id: 400_001 + i,
  first_name: `Fuzz${i}`,
  language_code: "ru",
}));

function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The JavaScript heap in use, from the process's own metrics (prom-client's default ones). */
async function heapMiB(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text)?.[1] ?? NaN) /
    2 ** 20;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
const METRICS_PORT = freePort();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

await using api = startFakeBotApi();
await using openai = await startOpenAiMock();
await using db = await processDb();
const bot = spawnSoulbot(["bot"], {
  ...db.env,
  BOT_TOKEN: TEST_TOKEN,
  TELEGRAM_API_ROOT: api.apiRoot,
  OPENAI_API_KEY: "test",
  OPENAI_BASE_URL: openai.baseUrl,
  OPENAI_MODERATION_MODEL: "off",
  FREE_DAILY_MESSAGES: "30",
  LOG_FORMAT: "pretty",
  METRICS_PORT: String(METRICS_PORT),
});
await bot.waitForLine(/^✅ Bot authorised/, 60_000);

/** Waits until the bot has taken every update pushed and made no call for `quietMs`. */
async function settle(lastId: number, quietMs = 1_000, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    if (api.calls.length !== seen) (seen = api.calls.length, since = Date.now());
    if (api.confirmed > lastId && Date.now() - since >= quietMs) return;
    await sleep(50);
  }
  throw new Error(`the bot did not settle:\n${bot.lines.slice(-20).join("\n")}`);
}

const u = new Updates();
let lastId = 0;
const push = (update: Update) => {
  lastId = Math.max(lastId, update.update_id);
  api.push(update);
};
for (const who of PEOPLE) {
  push(u.command(who, "/start"));
  await settle(lastId, 200);
  for (const data of [OB.consent, OB.nameDefault, OB.ageSkip, OB.genderSkip]) {
    push(u.callback(who, data, 1));
    await settle(lastId, 200);
  }
}
await settle(lastId);
const rss = [rssMiB(bot.pid)];
const heap = [await heapMiB()];

const shown = new Map<number, string[]>();
const answered = new Map<string, number>();
const pressed = new Set<string>();
const delivered = new Set<number>();
let apologies = 0;
let read = 0;
const tally = () => {
  for (const { method, payload } of api.calls.slice(read)) {
    if (payload.text === APOLOGY) apologies++;
    if (method === "answerCallbackQuery") {
      const id = String(payload.callback_query_id);
      answered.set(id, (answered.get(id) ?? 0) + 1);
    }
    const data = buttons(payload);
    if (data.length > 0) shown.set(Number(payload.chat_id), data);
  }
  read = api.calls.length;
};

const fuzzers = PEOPLE.map((_, lane) => new Fuzzer(17_000 + lane, u));
const started = performance.now();
for (let round = 0; round < ROUNDS; round++) {
  for (let n = 0; n < PER_ROUND; n += BATCH) {
    for (let i = 0; i < BATCH && n + i < PER_ROUND; i++) {
      const lane = i % PEOPLE.length;
      const who = PEOPLE[lane]!;
      const { update, callbackId } = fuzzers[lane]!.next(who, shown.get(who.id) ?? []);
      if (callbackId) pressed.add(callbackId);
      // An update served before comes again as Telegram sends it after a crash.
      if (delivered.has(update.update_id)) api.redeliver(update);
      else (delivered.add(update.update_id), push(update));
    }
    await settle(lastId, 300);
    tally();
  }
  await settle(lastId);
  tally();
  rss.push(rssMiB(bot.pid));
  heap.push(await heapMiB());
  console.log(
    `round ${round + 1}: RSS ${rss.at(-1)!.toFixed(0)} MiB, heap used ${
      heap.at(-1)!.toFixed(0)
    } MiB`,
  );
}
const seconds = (performance.now() - started) / 1000;
// Words over the spam limit wait for a later window in silence: give them time to be handled.
const waitUntil = Date.now() + 120_000;
while ([...pressed].some((id) => !answered.has(id)) && Date.now() < waitUntil) {
  await sleep(500);
  tally();
}

bot.kill("SIGTERM");
await bot.status;
const errors = bot.lines.filter((l) => l.startsWith("ERROR"));
const unanswered = [...pressed].filter((id) => !answered.has(id)).length;
const twice = [...answered.values()].filter((n) => n > 1).length;
const mib = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(" → ");
const growth = rss[2]! - rss[1]!;
const heapGrowth = heap[2]! - heap[1]!;

console.log(
  `fuzz through the real process: ${ROUNDS * PER_ROUND} updates in ${seconds.toFixed(1)} s`,
);
console.log(`  button presses ${pressed.size}: unanswered ${unanswered}, answered twice ${twice}`);
console.log(`  ERROR lines ${errors.length}, apologies ${apologies}`);
console.log(`  RSS (MiB) after onboarding and each ${PER_ROUND}: ${mib(rss)}`);
console.log(`  heap used (MiB), the same moments: ${mib(heap)}`);
console.log(
  `  second round: RSS ${sign(growth)} MiB (bound +${RSS_BOUND_MIB}), heap ${
    sign(heapGrowth)
  } MiB (bound +${HEAP_BOUND_MIB})`,
);
for (const line of errors.slice(0, 5)) console.log(`  ${line}`);
const failed = errors.length > 0 || unanswered > 0 || twice > 0 || apologies > 0 ||
  growth > RSS_BOUND_MIB || heapGrowth > HEAP_BOUND_MIB;
if (failed) Deno.exit(1);

function sign(x: number): string {
  return `${x >= 0 ? "+" : ""}${x.toFixed(0)}`;
}
