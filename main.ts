// soulbot: the one SoulNear program. Dispatches subcommands, turns errors into exit codes
// (0 ok, 1 failure, 2 usage error) and is the only place that exits.

import process from "node:process";
import { COMMANDS, PROGRAM_HELP } from "./src/cli/registry.ts";
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./src/cli/command.ts";
import { ConfigError, UsageError } from "./src/errors.ts";
import { describeError } from "./src/log.ts";

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(PROGRAM_HELP);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.err(
      `soulbot: unknown command "${name}". Commands: ${COMMANDS.map((c) => c.name).join(", ")}`,
    );
    io.err("See soulbot --help");
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (rest[0] === "--help" || rest[0] === "-h") {
    io.out(command.help);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(err.message);
      return EXIT_USAGE;
    }
    // In the format the configuration asks for, at ERROR: JSON in a container.
    const { log, format } = await failureLog(io);
    if (err instanceof ConfigError) {
      const head = `soulbot ${name}: the configuration is invalid`;
      const fix = "Fix these in the env file for ENV (see .env.example) or in the environment.";
      if (format === "json") log.error(head, { problems: err.problems, fix });
      else {
        log.error(`${head}:`);
        for (const p of err.problems) io.err(`  - ${p}`);
        io.err(fix);
      }
      return EXIT_FAILURE;
    }
    log.error(`soulbot ${name}: ${describeError(err)}`);
    return EXIT_FAILURE;
  }
}

/** Loaded when needed: the configuration's modules stay out of `soulbot --help`'s start-up. */
async function failureLog(io: CliIo) {
  const { failureLogger } = await import("./src/cli/setup.ts");
  return failureLogger(io);
}

function shutdownSignal(): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(sig, () => {
        if (received) Deno.exit(130); // a second signal: stop now
        received = true;
        resolve(sig);
      });
    }
  });
}

if (import.meta.main) {
  // grammY plugins load grammY's Node build, whose fetch polyfill warns that punycode is
  // deprecated on every start; the warning is not ours to fix.
  (process as { noDeprecation?: boolean }).noDeprecation = true;
  const encoder = new TextEncoder();
  const write = (stream: typeof Deno.stdout) => (line: string) => {
    const bytes = encoder.encode(line + "\n");
    for (let off = 0; off < bytes.length;) off += stream.writeSync(bytes.subarray(off));
  };
  const io: CliIo = {
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    out: write(Deno.stdout),
    err: write(Deno.stderr),
    shutdown: shutdownSignal(),
    stdin: () => Deno.stdin.readable,
  };
  // A safety net: a promise nobody awaited must not end the bot. Every such case is a bug to fix,
  // hence ERROR (in the configured format).
  let failures: ReturnType<typeof failureLog> | undefined;
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    const reason = describeError(event.reason);
    (failures ??= failureLog(io)).then(({ log }) => log.error(`Unhandled rejection: ${reason}`));
  });
  const code = await main(Deno.args, io);
  Deno.exit(code);
}
