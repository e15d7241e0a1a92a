// Benchmark: one update at a time through the real `soulbot bot` process (polling a fake Bot API,
// storing into the inbox, claiming, handling), on PostgreSQL (a new database on
// TEST_DATABASE_URL's server, else a throwaway cluster) and on PGlite (a data directory made for
// the run). Onboarded people press menu buttons and type commands (no model), one update every
// `gap` ms, so no update waits behind another: the latency is the process's own. It runs from the
// moment getUpdates handed the update out to the bot's first Bot API call for it (a press's
// answer, a command's reply), as in bench:inbox's steady line. Where the time went, per update,
// from the process's own /metrics and, on Linux, /proc: how many statements it ran and their
// summed wall time, the time inside bot.handleUpdate, and the CPU time the bot process (and the
// PostgreSQL backends serving it, when the server is on this host) used and spent waiting for a
// CPU. Asserts nothing.
// Run: deno task bench:trace [updates] [gap ms] [postgres|pglite|both]

import type { Update } from "grammy/types";
import { startFakeBotApi } from "../tests/harness/fake_bot_api.ts";
import { spawnSoulbot } from "../tests/harness/cli.ts";
import { ownPostgres } from "../tests/harness/pg_cluster.ts";
import { givenOnboarded } from "../tests/harness/given.ts";
import { type ApiCall, type Person, TEST_TOKEN, Updates } from "../tests/harness/telegram.ts";
import { MENU } from "../src/bot/nav.ts";
import type { Db } from "../src/db/db.ts";
import { createPostgresDb } from "../src/db/postgres.ts";
import { createPgliteDb } from "../src/db/pglite.ts";
import { loadMigrations, migrate } from "../src/db/migrate.ts";
import { createLogger } from "../src/log.ts";

const count = Number(Deno.args[0] ?? 60);
const gapMs = Number(Deno.args[1] ?? 100);
const which = Deno.args[2] ?? "both";
/** Updates handled before measuring: compilation, connections, the statements' first runs. */
const WARM_UP = 100;
const PEOPLE = 20;
const STEPS = [
  (u: Updates, p: Person) => u.callback(p, MENU.profile, 1),
  (u: Updates, p: Person) => u.command(p, "/help"),
  (u: Updates, p: Person) => u.callback(p, MENU.main, 1),
  (u: Updates, p: Person) => u.command(p, "/helplines"),
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** When the first Bot API call for `u` came (recorded from index `from` on). */
function firstCall(u: Update, calls: ApiCall[], from: number): number | undefined {
  const chat = u.message?.chat.id ?? u.callback_query?.from.id;
  for (let i = from; i < calls.length; i++) {
    const c = calls[i]!;
    if (u.callback_query && String(c.payload.callback_query_id) === u.callback_query.id) {
      return c.at;
    }
    if (Number(c.payload.chat_id) === chat) return c.at;
  }
  return undefined;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Sums of the process's counters and histograms that say where an update's time went. */
async function scrape(port: number) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sum = (name: string) =>
    text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  return {
    statements: sum("soulnear_db_query_duration_seconds_count"),
    dbSeconds: sum("soulnear_db_query_duration_seconds_sum"),
    handled: sum("soulnear_update_duration_seconds_count"),
    handleSeconds: sum("soulnear_update_duration_seconds_sum"),
    apiCalls: sum("soulnear_telegram_requests_total"),
  };
}

/** CPU time and time spent waiting for a CPU (ms) of every thread of `pids`, from /proc. */
function schedstat(pids: number[]): { cpu: number; wait: number } | undefined {
  let cpu = 0;
  let wait = 0;
  try {
    for (const pid of pids) {
      for (const t of Deno.readDirSync(`/proc/${pid}/task`)) {
        const [run, queued] = Deno.readTextFileSync(`/proc/${pid}/task/${t.name}/schedstat`)
          .split(" ").map(Number);
        cpu += run! / 1e6;
        wait += queued! / 1e6;
      }
    }
  } catch {
    return undefined; // not Linux, or a process gone
  }
  return { cpu, wait };
}

/**
 * Data segments the process `pid` sent to the database at `url` over its open connections (`ss`,
 * Linux): postgres.js writes what it has for a connection at once, so each is one trip to the
 * server and back.
 */
async function segmentsToDb(pid: number, url: string): Promise<number | undefined> {
  const { hostname, port } = new URL(url);
  try {
    const out = await new Deno.Command("ss", {
      args: [
        "-tinpH",
        "dst",
        `${hostname === "localhost" ? "127.0.0.1" : hostname}:${port || 5432}`,
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    let n = 0;
    for (const [, owner, info] of text.matchAll(/users:\(\(([^)]*)\)\)\s*\n(.*)/g)) {
      if (!owner!.includes(`pid=${pid},`)) continue;
      n += Number(/data_segs_out:(\d+)/.exec(info!)?.[1] ?? 0);
    }
    return n;
  } catch {
    return undefined; // no ss here
  }
}

/** The server processes serving this database's other connections (the bot's), if local. */
async function backends(url: string): Promise<number[]> {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost") return [];
  const db = createPostgresDb({ url, description: "bench", log: createLogger() });
  try {
    return (await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    )).map((r) => r.pid);
  } finally {
    await db.close();
  }
}

async function prepare(db: Db, people: Person[]) {
  try {
    await migrate(db, await loadMigrations());
    for (const p of people) await givenOnboarded(db, p, { given: "onboarded" }, new Date());
  } finally {
    await db.close();
  }
}

async function run(backend: "postgres" | "pglite"): Promise<string> {
  await using pg = backend === "postgres" ? await ownPostgres() : undefined;
  const dataDir = pg ? undefined : await Deno.makeTempDir({ prefix: "soulbot_trace_" });
  await using api = startFakeBotApi();
  const people: Person[] = Array.from({ length: PEOPLE }, (_, i) => ({
    id: 600_000 + i,
    first_name: "Вера",
  }));
  const metricsPort = freePort();
  const env: Record<string, string> = {
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: api.apiRoot,
    OPENAI_API_KEY: "sk-bench",
    API_HOST: "127.0.0.1",
    METRICS_PORT: String(metricsPort),
  };
  if (pg) {
    env.DATABASE_URL = pg.url;
    await prepare(
      createPostgresDb({ url: pg.url, description: "bench", log: createLogger() }),
      people,
    );
  } else {
    env.DATA_DIR = dataDir!;
    await prepare(await createPgliteDb({ dataDir }), people);
  }
  const bot = spawnSoulbot(["bot"], env);
  try {
    await bot.waitForLine(/✅ Bot authorised .* and polling/, 60_000);
    const u = new Updates();
    const latency: number[] = [];
    let before: {
      metrics: Awaited<ReturnType<typeof scrape>>;
      sched?: ReturnType<typeof schedstat>;
      segments?: number;
    } | undefined;
    let server: number[] = [];
    for (let n = -WARM_UP; n < count; n++) {
      if (n === 0) {
        server = pg ? await backends(pg.url) : [];
        before = {
          metrics: await scrape(metricsPort),
          sched: schedstat([bot.pid, ...server]),
          segments: pg && await segmentsToDb(bot.pid, pg.url),
        };
      }
      const i = n + WARM_UP;
      const update = STEPS[i % STEPS.length]!(u, people[i % PEOPLE]!);
      const seen = api.calls.length;
      api.push(update);
      await api.waitFor((calls) => firstCall(update, calls, seen) !== undefined, 30_000);
      if (n >= 0) {
        latency.push(firstCall(update, api.calls, seen)! - api.served.get(update.update_id)!);
      }
      // The update finishes (its later statements and calls) before the next one comes.
      await new Promise((r) => setTimeout(r, gapMs));
    }
    const after = {
      metrics: await scrape(metricsPort),
      sched: schedstat([bot.pid, ...server]),
      segments: pg && await segmentsToDb(bot.pid, pg.url),
    };
    const m = (k: keyof typeof after.metrics) => (after.metrics[k] - before!.metrics[k]) / count;
    latency.sort((a, b) => a - b);
    const ms = (p: number) => percentile(latency, p).toFixed(1);
    const lines = [
      `${backend}: served → first Bot API call p50 ${ms(0.5)} ms, p90 ${ms(0.9)} ms, ` +
      `max ${ms(1)} ms (${count} updates, ${gapMs} ms apart)`,
      `  per update: ${m("statements").toFixed(1)} statements, ` +
      `${(m("dbSeconds") * 1000).toFixed(1)} ms summed wall time in them ` +
      `(${(m("dbSeconds") * 1e6 / m("statements")).toFixed(0)} µs each); ` +
      `${(m("handleSeconds") * 1000).toFixed(1)} ms in bot.handleUpdate; ` +
      `${m("apiCalls").toFixed(1)} Bot API calls`,
    ];
    if (before?.segments !== undefined && after.segments !== undefined) {
      lines.push(
        `  per update: ${((after.segments - before.segments) / count).toFixed(1)} trips to ` +
          `the database (data segments sent to it)`,
      );
    }
    if (before?.sched && after.sched) {
      const cpu = (after.sched.cpu - before.sched.cpu) / count;
      const wait = (after.sched.wait - before.sched.wait) / count;
      lines.push(
        `  per update, bot process${server.length ? " and its PostgreSQL backends" : ""}: ` +
          `${cpu.toFixed(1)} ms CPU, ${wait.toFixed(1)} ms waiting for a CPU (all threads)`,
      );
    }
    return lines.join("\n");
  } finally {
    bot.kill("SIGTERM");
    await bot.status;
    if (dataDir) await Deno.remove(dataDir, { recursive: true });
  }
}

console.log(
  `one update at a time through \`soulbot bot\`, ${navigator.hardwareConcurrency} CPUs, ` +
    `load average ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
);
for (const backend of ["postgres", "pglite"] as const) {
  if (which === "both" || which === backend) console.log(await run(backend));
}
