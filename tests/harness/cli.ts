// Runs the real program (`deno run main.ts ...`) as a child process with a clean environment,
// for black-box CLI tests: collect output, wait for log lines, send signals.

import { TEST_TOKEN } from "./telegram.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;

function childEnv(env: Record<string, string>): Record<string, string> {
  const keep: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "DENO_DIR", "TMPDIR"]) {
    const v = Deno.env.get(k);
    if (v) keep[k] = v;
  }
  // No metrics listener unless a test asks for one: parallel processes would share its port.
  return { ...keep, NO_COLOR: "1", METRICS_PORT: "0", ...env };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs soulbot to the end; `input` is written to its standard input. */
export async function runSoulbot(
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
  input?: string,
): Promise<RunResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...RUNTIME_FLAGS, MAIN, ...args],
    env: childEnv(env),
    clearEnv: true,
    cwd: cwd ?? ROOT,
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output(); // read while writing, so that no pipe fills up
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
  }
  const out = await output;
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

export interface Running {
  /** The child's process id (for reading its memory from /proc). */
  pid: number;
  lines: string[];
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal: Deno.Signal): void;
  status: Promise<Deno.CommandStatus>;
}

/**
 * The V8 flags the program runs with (`deno task bot`, the release binary): read from deno.json's
 * `bot` task, so tests and benchmarks measure the process as it is deployed.
 */
export const RUNTIME_FLAGS: string[] = (() => {
  const tasks = JSON.parse(Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)))
    .tasks as Record<string, { command: string }>;
  return tasks.bot!.command.split(" ").filter((a) => a.startsWith("--v8-flags="));
})();

/** SOULBOT_CPU_PROF=DIR writes a V8 CPU profile of each program run into DIR (profiling). */
function profiling(): string[] {
  const dir = Deno.env.get("SOULBOT_CPU_PROF");
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
}

/** SOULBOT_TEE=FILE appends every line the program prints to FILE, with a time (debugging). */
const TEE = Deno.env.get("SOULBOT_TEE");
/**
 * The environment of a real process against its own database, a fake Bot API and the OpenAI mock,
 * with moderation and the triage judge off and readable logs; `extra` adds or overrides.
 */
export function fakeServicesEnv(
  o: { databaseUrl: string; apiRoot: string; openaiBaseUrl: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: o.databaseUrl,
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: o.apiRoot,
    OPENAI_BASE_URL: o.openaiBaseUrl,
    OPENAI_API_KEY: "sk-test",
    OPENAI_MODERATION_MODEL: "off",
    OPENAI_SAFETY_MODEL: "off",
    LOG_FORMAT: "pretty",
    ...extra,
  };
}

export function spawnSoulbot(args: string[], env: Record<string, string>, cwd?: string): Running {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", ...RUNTIME_FLAGS, ...profiling(), MAIN, ...args],
    env: childEnv(env),
    clearEnv: true,
    cwd: cwd ?? ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (
      const chunk of stream.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines())
    ) {
      lines.push(chunk);
      if (TEE) {
        Deno.writeTextFileSync(TEE, `${new Date().toISOString()} ${chunk}\n`, { append: true });
      }
      listeners.forEach((l) => l());
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status.then(async (s) => {
    await pumps;
    listeners.forEach((l) => l());
    return s;
  });
  let exited = false;
  status.then(() => exited = true);
  return {
    pid: child.pid,
    lines,
    status,
    kill: (signal) => {
      if (!exited) child.kill(signal);
    },
    waitForLine(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => re.test(l));
          if (hit !== undefined) done(() => resolve(hit));
          else if (exited) {
            done(() => reject(new Error(`Exited before ${re}:\n${lines.join("\n")}`)));
          }
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`No line ${re} in time:\n${lines.join("\n")}`))),
          timeoutMs,
        );
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          fn();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

function splitLines(): TransformStream<string, string> {
  let buf = "";
  return new TransformStream({
    transform(chunk, ctl) {
      buf += chunk;
      const parts = buf.split("\n");
      buf = parts.pop()!;
      for (const p of parts) ctl.enqueue(p);
    },
    flush(ctl) {
      if (buf) ctl.enqueue(buf);
    },
  });
}
