// Benchmark: start-up of the real process on the embedded database (PGlite) — `soulbot migrate`
// to its exit and `soulbot bot` to its "polling" line (against a local fake Bot API), on an empty
// DATA_DIR and again on the one it left — with the process's resident memory, and where a fresh
// start goes: the runtime and our modules (`soulbot --help`), PGlite's WASM alone, a new data
// directory as src/db/pglite.ts makes it, PGlite's own initdb, and the migrations. Each figure is
// the median of its rounds, each in a new process. Asserts nothing.
// Run: deno task bench:pglite [rounds, default 3]

import { startFakeBotApi } from "../tests/harness/fake_bot_api.ts";
import { TEST_TOKEN } from "../tests/harness/telegram.ts";
import { PGlite } from "@electric-sql/pglite";
import { createPgliteDb } from "../src/db/pglite.ts";
import { loadMigrations, migrate } from "../src/db/migrate.ts";
import process from "node:process";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
// Data directories go where DATA_DIR's default puts them (./data, ignored by git), not in /tmp:
// a new data directory is ~1,000 files, and on the machine of the README's figures creating a
// file in /tmp often took ~1 ms of kernel time (elsewhere on the same disk 20 µs to 1 ms,
// depending on what else was writing).
const DATA = new URL("../data/", import.meta.url).pathname;

function dataDir(): Promise<string> {
  return Deno.mkdir(DATA, { recursive: true }).then(() =>
    Deno.makeTempDir({ dir: DATA, prefix: "bench_pglite_" })
  );
}
const SELF = new URL(import.meta.url).pathname;

interface Sample {
  ms: number;
  /** Process CPU time (user + system, every thread) to that moment. */
  cpu?: number;
  /** Resident memory at the moment measured, and the process's peak, MiB. */
  rss?: number;
  peak?: number;
}

// ---- phases, each run in a child process of its own -------------------------------------------

const PHASES: Record<string, string> = {
  wasm: "PGlite WASM compiled and started, no database (in memory)",
  create: "a new data directory, as src/db/pglite.ts opens it",
  initdb: "a new data directory through PGlite's own initdb",
  migrations: "the migrations on a new database",
};

async function phase(name: string): Promise<void> {
  const dir = await dataDir();
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let cpu0 = cpuMs();
  let t0 = performance.now();
  let sample: Sample = { ms: 0 };
  const lap = () => {
    sample = {
      ms: performance.now() - t0,
      cpu: cpuMs() - cpu0,
      rss: Deno.memoryUsage().rss / 2 ** 20,
    };
  };
  try {
    if (name === "wasm") {
      const pg = await PGlite.create({ noInitDb: true });
      lap();
      await pg.close().catch(() => {}); // never started a server
    } else if (name === "initdb") {
      const pg = await PGlite.create(dir);
      lap();
      await pg.close();
    } else {
      const db = await createPgliteDb({ dataDir: dir });
      lap();
      if (name === "migrations") {
        const migrations = await loadMigrations();
        cpu0 = cpuMs();
        t0 = performance.now();
        await migrate(db, migrations);
        lap();
      }
      await db.close();
    }
    console.log(JSON.stringify(sample));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// ---- the real process ---------------------------------------------------------------------------

const TICK_MS = 10; // USER_HZ is 100 on Linux

async function memory(pid: number): Promise<{ rss: number; peak: number; cpu: number }> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`).catch(() => "");
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
  // utime and stime: the 14th and 15th fields, counted after the parenthesised command name.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpu = (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * TICK_MS;
  return { rss: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024, cpu };
}

/**
 * Runs `args` until it exits or prints a line matching `until` (then stops it); the time to that
 * moment and the memory then. The peak is the last one read while it ran (read every 10 ms).
 */
async function timeProcess(
  args: string[],
  env: Record<string, string>,
  until?: RegExp,
): Promise<Sample> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", MAIN, ...args],
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      NO_COLOR: "1",
      METRICS_PORT: "0",
      ...env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let mem = { rss: 0, peak: 0, cpu: 0 };
  let done = false;
  const poll = (async () => {
    while (!done) {
      const m = await memory(child.pid);
      if (m.peak) mem = m;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  let output = "";
  let ms: number | undefined;
  const dec = new TextDecoder();
  const read = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      output += dec.decode(chunk);
      if (until && ms === undefined && until.test(output)) {
        ms = performance.now() - t0;
        mem = await memory(child.pid);
        child.kill("SIGTERM");
      }
    }
  };
  await Promise.all([read(child.stdout), read(child.stderr)]);
  const status = await child.status;
  ms ??= performance.now() - t0;
  done = true;
  await poll;
  if (until ? !until.test(output) : !status.success) {
    throw new Error(`soulbot ${args.join(" ")} failed:\n${output}`);
  }
  return { ms, ...mem };
}

async function processRows(): Promise<Record<string, Sample>> {
  await using api = startFakeBotApi();
  const ready = /Bot authorised as .* and polling/;
  const bot = { BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: api.apiRoot, LOG_FORMAT: "pretty" };
  const out: Record<string, Sample> = {};
  for (const [cmd, until, env] of [["migrate", undefined, {}], ["bot", ready, bot]] as const) {
    const dir = await dataDir();
    try {
      out[`${cmd}, empty DATA_DIR`] = await timeProcess([cmd], { ...env, DATA_DIR: dir }, until);
      out[`${cmd}, existing DATA_DIR`] = await timeProcess([cmd], { ...env, DATA_DIR: dir }, until);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  return out;
}

async function phaseRow(name: string): Promise<Sample> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SELF, "--phase", name],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`phase ${name} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

async function main() {
  const rounds = Number(Deno.args[0] ?? 3);
  const samples = new Map<string, Sample[]>();
  const add = (k: string, s: Sample) => samples.set(k, [...samples.get(k) ?? [], s]);
  for (let r = 0; r < rounds; r++) {
    add("soulbot --help (runtime and our modules)", await timeProcess(["--help"], {}));
    for (const [name, label] of Object.entries(PHASES)) add(label, await phaseRow(name));
    for (const [k, s] of Object.entries(await processRows())) add(k, s);
  }
  const fmt = (x: number | undefined) => x === undefined ? "" : x.toFixed(0);
  console.log(`PGlite start-up, median of ${rounds} rounds; Deno ${Deno.version.deno}`);
  console.log("| what | wall ms | CPU ms | RSS MiB | peak RSS MiB |");
  console.log("|---|---|---|---|---|");
  for (const [k, list] of samples) {
    const m = (f: (s: Sample) => number | undefined) => {
      const xs = list.map(f).filter((x): x is number => x !== undefined);
      return xs.length ? median(xs) : undefined;
    };
    console.log(
      `| ${k} | ${fmt(m((s) => s.ms))} | ${fmt(m((s) => s.cpu))} | ${fmt(m((s) => s.rss))} | ${
        fmt(m((s) => s.peak))
      } |`,
    );
  }
}

if (Deno.args[0] === "--phase") await phase(Deno.args[1]!);
else await main();
