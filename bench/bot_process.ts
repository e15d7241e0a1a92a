// Benchmark: the real `soulbot bot` process against a fast fake Telegram and OpenAI in a process of
// their own (bench/fake_api_process.ts), with a bare grammY bot (bench/bare_bot.ts: runner,
// sequentialize, one sendMessage per update) fed the same way as the reference, in the same run,
// interleaved: bare, SoulNear, bare, SoulNear … three rounds. Onboarded people (seeded before the
// bot starts) press menu buttons and type commands, change settings, answer quiz questions and
// write to the assistant (a fake model: first token after 300 ms, then a word every 30 ms;
// moderation "not flagged" after 150 ms when on; the triage judge off). Prints, per backend
// (PostgreSQL: a new database on TEST_DATABASE_URL's server, else a throwaway cluster; PGlite: a
// temporary DATA_DIR), each figure beside its target (bench/bot_report.ts). Asserts only that
// every update was answered: one that is not stops the run with what it was.
// Run: deno task bench:bot [--backend pg|pglite|both] [--chats N] [--rss-updates N] [--quick]

import { parseArgs } from "node:util";
import { type Running, runSoulbot, spawnSoulbot } from "../tests/harness/cli.ts";
import { ownPostgres } from "../tests/harness/pg_cluster.ts";
import { TEST_TOKEN } from "../tests/harness/telegram.ts";
import { MENU } from "../src/bot/nav.ts";
import type { PhaseResult, PhaseSpec, Step } from "./bot_load.ts";
import {
  cpuMs,
  type DbCounts,
  dbCounts,
  type FakeApiProcess,
  freePort,
  heapFigures,
  rssMiB,
  startBareBot,
  startFakeApi,
} from "./bot_proc.ts";
import { type Backend, people, seed } from "./bot_seed.ts";
import { printReport, type Report, type RoundTrips } from "./bot_report.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    backend: { type: "string", default: "both" },
    chats: { type: "string" },
    "rss-updates": { type: "string" },
    quick: { type: "boolean", default: false },
  },
});
const quick = args.quick!;
const CHATS = Number(args.chats ?? (quick ? 100 : 1_000));
const RSS_UPDATES = Number(args["rss-updates"] ?? (quick ? 2_000 : 50_000));
const BACKENDS = args.backend === "both" ? ["pg", "pglite"] : [args.backend!];
if (!BACKENDS.every((b) => b === "pg" || b === "pglite") || !(CHATS >= 10)) {
  console.error(
    "usage: deno task bench:bot [--backend pg|pglite|both] [--chats N≥10] [--rss-updates N] [--quick]",
  );
  Deno.exit(2);
}
const ROUNDS = 3;
/** Light load: updates a second, and for how long a round. */
const LIGHT_RATE = 25;
const LIGHT_SECONDS = quick ? 4 : 10;
/** Updates of each kind whose database statements are counted. */
const PER_KIND = Math.min(CHATS, quick ? 50 : 200);
/** Messages to the assistant whose first text is timed, with moderation on and off. */
const SAYS = Math.min(CHATS, quick ? 30 : 100);
/**
 * Their pace, messages a second: slow enough that they do not queue behind each other (each is a
 * model call of about half a second and far more work than a press), so that what is timed is
 * the bot's own part of one answer.
 */
const SAY_RATE = 5;
/** People who only navigate while the others storm the model. */
const BYSTANDERS = Math.max(50, Math.round(CHATS / 5));
const STORM_MODEL_MS = 2_000;

/** A burst of navigation: per chat 4 presses and commands (the spam limit is 15 in 10 s). */
const NAV_BURST: Step[] = [
  { tap: MENU.profile },
  { command: "/help" },
  { tap: MENU.settings },
  { tap: MENU.main },
];
/** Light load and the bystanders cycle through these. */
const NAV_MIX: Step[] = [
  { tap: MENU.profile },
  { command: "/help" },
  { tap: MENU.quiz },
  { tap: MENU.settings },
  { command: "/menu" },
  { tap: MENU.main },
];

const chats = people(CHATS).map((p) => p.id);
const bystanders = people(BYSTANDERS, CHATS).map((p) => p.id);

/** Logs progress to stderr (the report goes to stdout at the end). */
const began = performance.now();
const note = (msg: string) =>
  console.error(`· ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s  ${msg}`);

function check(r: PhaseResult): PhaseResult {
  if (r.missing?.length) {
    throw new Error(
      `${r.missing.length} of ${r.updates} updates of "${r.name}" were not answered ` +
        `(the bot's log is above); the first: ${r.missing.slice(0, 5).join("; ")}`,
    );
  }
  return r;
}

interface Bot {
  readonly pid: number;
  stop(): Promise<void>;
}

/** Runs a phase, with the CPU time the bot used meanwhile. */
async function timed(api: FakeApiProcess, bot: Bot, spec: PhaseSpec) {
  const cpu = cpuMs(bot.pid);
  const result = check(await api.phase(spec));
  return { result, cpuPerUpdate: (cpuMs(bot.pid) - cpu) / result.updates };
}

async function runBackend(kind: "pg" | "pglite"): Promise<Report> {
  await using stack = new AsyncDisposableStack();
  let backend: Backend;
  let where: string;
  if (kind === "pg") {
    const pg = stack.use(await ownPostgres());
    backend = { kind: "postgres", url: pg.url };
    where = `PostgreSQL, ${pg.where}`;
  } else {
    const dir = await Deno.makeTempDir({ prefix: "soulbot_bench_" });
    stack.defer(() => Deno.remove(dir, { recursive: true }));
    backend = { kind: "pglite", dataDir: `${dir}/data` };
    where = "PGlite in a temporary DATA_DIR";
  }
  const report: Report = { backend: where, chats: CHATS, bystanders: BYSTANDERS, rounds: [] };
  const soulApi = stack.use(await startFakeApi());
  const bareApi = stack.use(await startFakeApi());
  const metricsPort = freePort();
  const env = (moderation: boolean, dataDir?: string): Record<string, string> => ({
    ...(backend.kind === "postgres"
      ? { DATABASE_URL: backend.url }
      : { DATA_DIR: dataDir ?? backend.dataDir }),
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: soulApi.apiRoot,
    OPENAI_API_KEY: "sk-bench",
    OPENAI_BASE_URL: soulApi.openaiBaseUrl,
    OPENAI_MODERATION_MODEL: moderation ? "omni-moderation-latest" : "off",
    OPENAI_SAFETY_MODEL: "off",
    FREE_DAILY_MESSAGES: "100000",
    LOG_FORMAT: "pretty",
    API_HOST: "127.0.0.1",
    METRICS_PORT: String(metricsPort),
  });
  let running: Running | undefined;
  const start = async (moderation: boolean, dataDir?: string) => {
    const started = performance.now();
    const bot = spawnSoulbot(["bot"], env(moderation, dataDir));
    running = bot;
    await bot.waitForLine(/^✅ Bot authorised .* and polling/, 120_000);
    return {
      bot: {
        pid: bot.pid,
        async stop() {
          bot.kill("SIGTERM");
          await bot.status;
          if (running === bot) running = undefined;
        },
      },
      seconds: (performance.now() - started) / 1000,
      rss: rssMiB(bot.pid),
    };
  };
  stack.defer(async () => {
    if (!running) return;
    running.kill("SIGTERM");
    await running.status;
  });

  try {
    if (kind === "pglite") {
      note("PGlite: a start on an empty DATA_DIR");
      const fresh = await Deno.makeTempDir({ prefix: "soulbot_bench_fresh_" });
      try {
        const s = await start(false, fresh);
        report.freshStart = { seconds: s.seconds, rss: s.rss };
        await s.bot.stop();
      } finally {
        await Deno.remove(fresh, { recursive: true });
      }
    }
    note(`seeding ${CHATS + BYSTANDERS} onboarded people`);
    await seed(backend, people(CHATS + BYSTANDERS));

    note("starting SoulNear (moderation off) and the bare bot");
    let soul = await start(false);
    report.start = { seconds: soul.seconds, rss: soul.rss };
    await using bare = await startBareBot(bareApi.apiRoot, TEST_TOKEN);
    const bareBot: Bot = { pid: bare.pid, stop: async () => {} };

    // Warm-up, so that start-up and first compilations are not measured (bystanders: the chats
    // of the rounds keep their spam allowance).
    for (const [api, mode] of [[bareApi, "bare"], [soulApi, "soulbot"]] as const) {
      check(
        await api.phase({
          name: "warm-up",
          mode,
          kind: "burst",
          chats: bystanders.slice(0, 50),
          steps: NAV_BURST,
          timeoutMs: 120_000,
        }),
      );
    }

    for (let round = 1; round <= ROUNDS; round++) {
      note(`round ${round} of ${ROUNDS}: navigation burst and light load, bare then SoulNear`);
      const one = async (api: FakeApiProcess, bot: Bot, mode: "bare" | "soulbot") => {
        const burst = await timed(api, bot, {
          name: `burst ${mode}`,
          mode,
          kind: "burst",
          chats,
          steps: NAV_BURST,
          timeoutMs: 600_000,
        });
        const light = await timed(api, bot, {
          name: `light ${mode}`,
          mode,
          kind: "paced",
          chats,
          steps: NAV_MIX,
          rate: LIGHT_RATE,
          count: LIGHT_RATE * LIGHT_SECONDS,
          timeoutMs: 120_000 + LIGHT_SECONDS * 1000,
        });
        return {
          rate: burst.result.updates / burst.result.seconds,
          cpu: burst.cpuPerUpdate,
          light: light.result.firstCall,
          lightCpu: light.cpuPerUpdate,
        };
      };
      const b = await one(bareApi, bareBot, "bare");
      const s = await one(soulApi, soul.bot, "soulbot");
      report.rounds.push({ bare: b, soul: s });
    }

    note("database round trips per kind of update");
    const trips: RoundTrips[] = [];
    const counted = async (label: string, spec: PhaseSpec): Promise<PhaseResult> => {
      const before = await dbCounts(metricsPort);
      const r = check(await soulApi.phase(spec));
      // The last statements of an update may follow its last call by a moment.
      await new Promise((res) => setTimeout(res, 300));
      const after = await dbCounts(metricsPort);
      trips.push(perUpdate(label, r.updates, before, after));
      return r;
    };
    const some = chats.slice(0, PER_KIND);
    const paced = (name: string, steps: Step[], n = PER_KIND, rate = LIGHT_RATE): PhaseSpec => ({
      name,
      mode: "soulbot",
      kind: "paced",
      chats: some.slice(0, n),
      steps,
      rate,
      count: n,
      timeoutMs: 300_000,
    });
    const prepare = async (name: string, steps: Step[], which = some) =>
      check(
        await soulApi.phase({
          name,
          mode: "soulbot",
          kind: "closed",
          chats: which,
          steps,
          count: which.length * steps.length,
          timeoutMs: 300_000,
        }),
      );
    // Each kind twice: one at a time at the light pace (every update pays for its own storing,
    // claiming and marking done), then all at once, as in a busy moment (those are shared).
    const burst = (name: string, steps: Step[]): PhaseSpec => ({
      name,
      mode: "soulbot",
      kind: "burst",
      chats: some,
      steps,
      timeoutMs: 300_000,
    });
    await counted(`tap (${MENU.profile}), 25/s`, paced("tap", [{ tap: MENU.profile }]));
    await counted(`tap (${MENU.profile}), burst`, burst("tap", [{ tap: MENU.profile }]));
    await counted(`tap (${MENU.main}), burst`, burst("tap", [{ tap: MENU.main }]));
    await counted("command (/help), 25/s", paced("command", [{ command: "/help" }]));
    await counted("command (/help), burst", burst("command", [{ command: "/help" }]));
    await counted(
      "settings change (tone), 25/s",
      paced("settings change", [{ tap: "st:set:tone:formal:m" }]),
    );
    await counted(
      "settings change (tone), burst",
      burst("settings change", [{ tap: "st:set:tone:ironic:m" }]),
    );
    await prepare("quiz start", [{ tap: "quiz:start:relationships" }]);
    await counted("quiz answer, 25/s", paced("quiz answer", [{ quizAnswer: true }]));
    await counted("quiz answer, burst", burst("quiz answer", [{ quizAnswer: true }]));
    await prepare("enter the helper chat", [{ tap: MENU.helper }], chats.slice(0, SAYS));
    const off = await counted(
      "assistant message",
      paced("assistant message, moderation off", [{ say: true }], SAYS, SAY_RATE),
    );
    report.trips = trips;

    note("restarting SoulNear with moderation on");
    await soul.bot.stop();
    soul = await start(true);
    report.restart = { seconds: soul.seconds, rss: soul.rss };
    const on = check(
      await soulApi.phase(
        paced("assistant message, moderation on", [{ say: true }], SAYS, SAY_RATE),
      ),
    );
    report.firstText = { on, off };

    note(`storm: ${CHATS} chats × 2 messages, the model ${STORM_MODEL_MS} ms to its first token`);
    await prepare("enter the helper chat", [{ tap: MENU.helper }], chats.slice(SAYS));
    await soulApi.timing({ firstTokenMs: STORM_MODEL_MS });
    const storm = soulApi.phase({
      name: "storm",
      mode: "soulbot",
      kind: "burst",
      chats,
      steps: [{ say: true }, { say: true }],
      timeoutMs: 900_000,
    });
    // Bystanders navigate at the light pace for as long as the storm lasts.
    const navigation = soulApi.phase({
      name: "navigation during the storm",
      mode: "soulbot",
      kind: "paced",
      chats: bystanders,
      steps: NAV_MIX,
      rate: LIGHT_RATE,
      alongside: true,
      timeoutMs: 900_000,
    });
    const [s, n] = await Promise.all([storm, navigation]);
    await soulApi.timing({ firstTokenMs: 300 });
    report.storm = { storm: check(s), navigation: check(n) };

    if (kind === "pg") {
      note(`RSS: ${RSS_UPDATES} navigation updates`);
      const long = await timed(soulApi, soul.bot, {
        name: "long navigation run",
        mode: "soulbot",
        kind: "closed",
        chats,
        steps: NAV_MIX,
        count: RSS_UPDATES,
        // At most 15 presses and commands a chat in 10 s pass the spam limit.
        gapMs: 700,
        timeoutMs: 60_000 + RSS_UPDATES * 20,
      });
      report.long = {
        updates: long.result.updates,
        rate: long.result.updates / long.result.seconds,
        cpu: long.cpuPerUpdate,
        rss: rssMiB(soul.bot.pid),
        heap: await heapFigures(metricsPort),
      };
    }
    await soul.bot.stop();
    if (kind === "pglite") {
      note("PGlite: a start on the DATA_DIR of this run");
      const again = await start(true);
      report.existingStart = { seconds: again.seconds, rss: again.rss };
      await again.bot.stop();
    }
  } catch (err) {
    if (running) console.error(running.lines.slice(-30).join("\n"));
    throw err;
  }
  return report;
}

function perUpdate(label: string, updates: number, a: DbCounts, b: DbCounts): RoundTrips {
  const statements = (b.statements - a.statements) / updates;
  const transactions = (b.transactions - a.transactions) / updates;
  return { label, updates, statements, transactions };
}

console.error(
  `bench:bot — ${CHATS} chats, ${navigator.hardwareConcurrency} CPUs, backends: ` +
    `${BACKENDS.join(", ")}${quick ? " (quick)" : ""}`,
);
// The program's modules compiled and cached once, so that no start-up below pays for it.
await runSoulbot(["bot", "--help"]);
const reports: Report[] = [];
for (const kind of BACKENDS as ("pg" | "pglite")[]) reports.push(await runBackend(kind));
for (const r of reports) {
  printReport(r, { lightRate: LIGHT_RATE, sayRate: SAY_RATE, stormModelMs: STORM_MODEL_MS });
}
