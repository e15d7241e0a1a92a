// Commands of the Docker stage: run to the end under a time limit (coreutils `timeout`, which
// signals the command's whole process group), with stdout and stderr as one text, as an operator
// would see them in a terminal.

export interface Ran {
  code: number;
  /** stdout and stderr interleaved. */
  out: string;
  ms: number;
}

export interface ShOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Default 120 s. */
  timeoutMs?: number;
  /** Written to the command's standard input (default: none, /dev/null). */
  input?: string;
}

/** Runs `command` (a shell command line) with bash. */
export async function sh(command: string, opts: ShOptions = {}): Promise<Ran> {
  const started = performance.now();
  const seconds = Math.ceil((opts.timeoutMs ?? 120_000) / 1000);
  const child = new Deno.Command("timeout", {
    args: ["-k", "10", String(seconds), "bash", "-o", "pipefail", "-c", `{ ${command}\n} 2>&1`],
    cwd: opts.cwd,
    env: opts.env,
    stdin: opts.input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  if (opts.input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(opts.input));
    await writer.close();
  }
  const out = await output;
  const dec = new TextDecoder();
  let text = dec.decode(out.stdout) + dec.decode(out.stderr);
  if (out.code === 124) text += `\n(stopped after ${seconds} s)`;
  return { code: out.code, out: text, ms: performance.now() - started };
}

/** Like sh, but a non-zero exit throws with the command's output. */
export async function must(command: string, opts: ShOptions = {}): Promise<string> {
  const r = await sh(command, opts);
  if (r.code !== 0) throw new CommandFailed(command, r);
  return r.out;
}

export class CommandFailed extends Error {
  constructor(readonly command: string, readonly ran: Ran) {
    super(`\`${command}\` exited ${ran.code}:\n${tail(ran.out, 40)}`);
  }
}

/** The last `n` lines of a text. */
export function tail(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}

/** Shell-quotes one word. */
export function q(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Polls `probe` every `everyMs` until it returns true or `timeoutMs` passes. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 1000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}
