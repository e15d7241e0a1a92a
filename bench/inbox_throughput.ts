// Benchmark: the durable inbox under load with real processes — `soulbot bot --receive-only`
// polling a fake Bot API, and 1, then 3, `soulbot worker` processes on one PostgreSQL database
// made for the run (and, for comparison, `soulbot bot` alone, polling and working) — while N onboarded people each press menu buttons and type commands at once
// (no model): first all at once — updates per second, and how long the last waited — then a
// steady stream well below that pace — the latency of one update without a queue. Latency runs
// from the moment the poller received an update (getUpdates handed it out) to the Bot API call
// that answers it: a press's answerCallbackQuery, a command's reply. Asserts nothing.
// Run: deno task bench:inbox [chats] [updates per chat]
// (TEST_DATABASE_URL: a new database on that server; else a throwaway cluster — needs initdb)

import type { Update } from "grammy/types";
import { startFakeBotApi } from "../tests/harness/fake_bot_api.ts";
import { type Running, spawnSoulbot } from "../tests/harness/cli.ts";
import { ownPostgres } from "../tests/harness/pg_cluster.ts";
import { serverUrl } from "../tests/harness/db.ts";
import { givenOnboarded } from "../tests/harness/given.ts";
import { type ApiCall, type Person, TEST_TOKEN, Updates } from "../tests/harness/telegram.ts";
import { MENU } from "../src/bot/nav.ts";
import { createPostgresDb } from "../src/db/postgres.ts";
import { createLogger } from "../src/log.ts";

const chats = Number(Deno.args[0] ?? 200);
// At most 15 presses and commands per person in 10 s pass the spam limit.
const perChat = Math.min(Number(Deno.args[1] ?? 10), 15);
const STEPS = [
  (u: Updates, p: Person) => u.callback(p, MENU.profile, 1),
  (u: Updates, p: Person) => u.command(p, "/help"),
  (u: Updates, p: Person) => u.callback(p, MENU.main, 1),
  (u: Updates, p: Person) => u.command(p, "/helplines"),
];

/** The offered load of the steady run, updates per second (a multiple of 10), and its length. */
const STEADY_RATE = 30;
const STEADY_SECONDS = 15;

/** How many updates have been answered so far (presses answered, replies sent), counted as calls come. */
function counter(calls: ApiCall[]): () => number {
  let scanned = 0;
  let n = 0;
  return () => {
    for (; scanned < calls.length; scanned++) {
      const m = calls[scanned]!.method;
      if (m === "answerCallbackQuery" || m === "sendMessage") n++;
    }
    return n;
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Received → answered, per update, from the fake Bot API's record. */
function latencies(updates: Update[], calls: ApiCall[], served: ReadonlyMap<number, number>) {
  const pressAnswered = new Map<string, number>();
  const replies = new Map<number, number[]>();
  for (const c of calls) {
    if (c.method === "answerCallbackQuery") {
      const id = String(c.payload.callback_query_id);
      if (!pressAnswered.has(id)) pressAnswered.set(id, c.at!);
    } else if (c.method === "sendMessage") {
      const chat = Number(c.payload.chat_id);
      replies.set(chat, [...replies.get(chat) ?? [], c.at!]);
    }
  }
  // Each chat's commands are answered one by one, in order: the n-th reply answers the n-th.
  const nth = new Map<number, number>();
  const out: number[] = [];
  let last = 0;
  for (const u of updates) {
    let at: number | undefined;
    if (u.callback_query) at = pressAnswered.get(u.callback_query.id);
    else {
      const chat = u.message!.chat.id;
      const i = nth.get(chat) ?? 0;
      nth.set(chat, i + 1);
      at = replies.get(chat)?.[i];
    }
    if (at === undefined) throw new Error(`update ${u.update_id} was not answered`);
    out.push(at - served.get(u.update_id)!);
    last = Math.max(last, at);
  }
  return { sorted: out.sort((a, b) => a - b), last };
}

/** `workers` 0: one `soulbot bot` process polling and working (its poller wakes its worker). */
async function run(workers: number): Promise<string> {
  await using pg = await ownPostgres();
  await using api = startFakeBotApi();
  const env = {
    DATABASE_URL: pg.url,
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: api.apiRoot,
    OPENAI_API_KEY: "sk-bench",
    LOG_FORMAT: "pretty",
  };
  const processes: Running[] = [];
  try {
    const receiver = spawnSoulbot(workers ? ["bot", "--receive-only"] : ["bot"], env);
    processes.push(receiver);
    await receiver.waitForLine(/^✅ Bot authorised .* and polling/, 60_000);
    const db = createPostgresDb({ url: pg.url, description: "bench", log: createLogger() });
    const people: Person[] = Array.from({ length: chats }, (_, i) => ({
      id: 500_000 + i,
      first_name: "Вера",
    }));
    for (const p of people) await givenOnboarded(db, p, { given: "onboarded" }, new Date());
    await db.close();
    for (let i = 0; i < workers; i++) {
      const worker = spawnSoulbot(["worker"], env);
      processes.push(worker);
      await worker.waitForLine(/^✅ Worker .* working the inbox/, 60_000);
    }
    const u = new Updates();
    const answered = counter(api.calls);
    const push = async (updates: Update[]) => {
      const target = answered() + updates.length;
      api.push(...updates);
      await api.waitFor(() => answered() >= target, 600_000);
    };
    // A warm-up round, so start-up and first compilations are not measured.
    await push(people.slice(0, 20).map((p) => u.command(p, "/menu")));

    // A burst: everyone at once; how fast the workers get through it.
    let seen = api.calls.length;
    const burst = Array.from(
      { length: perChat },
      (_, step) => people.map((p) => STEPS[step % STEPS.length]!(u, p)),
    ).flat();
    await push(burst);
    const b = latencies(burst, api.calls.slice(seen), api.served);
    const first = Math.min(...burst.map((x) => api.served.get(x.update_id)!));
    const seconds = (b.last - first) / 1000;

    // A steady stream well below that pace: the latency of one update, without a queue.
    seen = api.calls.length;
    const steady: Update[] = [];
    const sending = (async () => {
      for (let tick = 0; tick < STEADY_SECONDS * 10; tick++) {
        const batch = Array.from({ length: STEADY_RATE / 10 }, (_, i) => {
          const n = tick * (STEADY_RATE / 10) + i;
          return STEPS[n % STEPS.length]!(u, people[n % people.length]!);
        });
        steady.push(...batch);
        api.push(...batch);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await sending;
    await api.waitFor(() => answered() >= burst.length + 20 + steady.length, 600_000);
    const s = latencies(steady, api.calls.slice(seen), api.served);
    const ms = (sorted: number[], p: number) => percentile(sorted, p).toFixed(0);
    const label = workers === 0
      ? "soulbot bot alone  "
      : `receiver + ${workers} worker${workers === 1 ? " " : "s"}`;
    return `${label}: burst of ${burst.length} in ` +
      `${seconds.toFixed(1)} s — ${(burst.length / seconds).toFixed(0)} updates/s ` +
      `(received → answered p50 ${ms(b.sorted, 0.5)} ms, p99 ${ms(b.sorted, 0.99)} ms); ` +
      `steady ${STEADY_RATE}/s: p50 ${ms(s.sorted, 0.5)} ms, p99 ${ms(s.sorted, 0.99)} ms`;
  } finally {
    for (const p of processes) p.kill("SIGTERM");
    await Promise.all(processes.map((p) => p.status));
  }
}

const where = serverUrl() ? "a new database on TEST_DATABASE_URL's server" : "a throwaway cluster";
console.log(
  `inbox: a receiver and N workers on ${where}, ${navigator.hardwareConcurrency} CPUs; ` +
    `${chats} people pressing menu buttons and typing commands (no model): a burst of ` +
    `${perChat} each at once, then a steady ${STEADY_RATE} updates/s for ${STEADY_SECONDS} s`,
);
for (const workers of (Deno.env.get("BENCH_WORKERS") ?? "0,1,3").split(",").map(Number)) {
  console.log(await run(workers));
}
