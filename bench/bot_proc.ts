// The processes of bench:bot (bench/bot_process.ts) and what is read from them: the fake API
// process and the bare reference bot started and stopped, a process's CPU time and resident
// memory from /proc, and the bot's database statement counters from its /metrics.

import type { PhaseResult, PhaseSpec } from "./bot_load.ts";
import type { ModelTiming } from "./fake_model.ts";

const BENCH = new URL("./", import.meta.url).pathname;
const ROOT = new URL("../", import.meta.url).pathname;

/** Clock ticks per second of /proc/<pid>/stat's times (getconf CLK_TCK; 100 on Linux). */
const TICKS = await (async () => {
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).output();
    return Number(new TextDecoder().decode(out.stdout).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) the process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 1000 / TICKS;
}

/** Resident memory now, MiB. */
export function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

export interface DbCounts {
  statements: number;
  /** NaN when the bot does not export soulnear_db_transactions_total. */
  transactions: number;
  /** Updates the bot has handled (soulnear_update_duration_seconds_count). */
  updates: number;
}

/** The bot's counters, summed over their labels, from its /metrics. */
export async function dbCounts(metricsPort: number): Promise<DbCounts> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const sum = (name: string) => {
    let total = 0;
    let seen = false;
    for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))) {
      total += Number(m[1]);
      seen = true;
    }
    return seen ? total : NaN;
  };
  return {
    statements: sum("soulnear_db_query_duration_seconds_count") || 0,
    transactions: sum("soulnear_db_transactions_total"),
    updates: sum("soulnear_update_duration_seconds_count") || 0,
  };
}

/** Where the bot's memory is, MiB, from its /metrics (prom-client's process metrics). */
export interface HeapFigures {
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export async function heapFigures(metricsPort: number): Promise<HeapFigures> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const one = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? NaN) / 2 ** 20;
  return {
    heapUsed: one("nodejs_heap_size_used_bytes"),
    heapTotal: one("nodejs_heap_size_total_bytes"),
    external: one("nodejs_external_memory_bytes"),
  };
}

export interface FakeApiProcess extends AsyncDisposable {
  readonly pid: number;
  readonly apiRoot: string;
  readonly openaiBaseUrl: string;
  phase(spec: PhaseSpec): Promise<PhaseResult>;
  timing(t: Partial<ModelTiming>): Promise<void>;
}

/** Starts bench/fake_api_process.ts and waits for its addresses. */
export async function startFakeApi(): Promise<FakeApiProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${BENCH}fake_api_process.ts`],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) throw new Error("the fake API process ended before it listened");
    buf += value;
  }
  // Whatever it prints later is drained so that the pipe never fills.
  (async () => {
    while (!(await lines.read()).done) { /* drain */ }
  })();
  const info = JSON.parse(buf.slice(0, buf.indexOf("\n"))) as {
    apiRoot: string;
    openaiBaseUrl: string;
    control: string;
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${info.control}${path}`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`fake API ${path}: ${res.status} ${await res.text()}`);
    return await res.json();
  };
  return {
    pid: child.pid,
    apiRoot: info.apiRoot,
    openaiBaseUrl: info.openaiBaseUrl,
    phase: (spec) => post("/phase", spec),
    timing: async (t) => void await post("/timing", t),
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGTERM");
      } catch { /* ended already */ }
      await child.status;
    },
  };
}

export interface BareBot extends AsyncDisposable {
  readonly pid: number;
}

/** Starts bench/bare_bot.ts against `apiRoot` and waits until it polls. */
export async function startBareBot(apiRoot: string, token: string): Promise<BareBot> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--preload", `${ROOT}tests/preload.ts`, `${BENCH}bare_bot.ts`],
    cwd: ROOT,
    env: { BOT_TOKEN: token, TELEGRAM_API_ROOT: apiRoot },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  while (!buf.includes("bare bot polling")) {
    const { value, done } = await lines.read();
    if (done) throw new Error("the bare bot ended before it polled");
    buf += value;
  }
  (async () => {
    while (!(await lines.read()).done) { /* drain */ }
  })();
  return {
    pid: child.pid,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGTERM");
      } catch { /* ended already */ }
      await child.status;
    },
  };
}
