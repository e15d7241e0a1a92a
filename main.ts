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
    if (err instanceof ConfigError) {
      io.err(`soulbot ${name}: the configuration is invalid:`);
      for (const p of err.problems) io.err(`  - ${p}`);
      io.err("Fix these in the env file for ENV (see .env.example) or in the environment.");
      return EXIT_FAILURE;
    }
    io.err(`soulbot ${name}: ${describeError(err)}`);
    return EXIT_FAILURE;
  }
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
  // A safety net: a promise nobody awaited must not end the bot. Every such case is a bug to fix,
  // hence ERROR.
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    write(Deno.stderr)(`ERROR Unhandled rejection: ${describeError(event.reason)}`);
  });
  const code = await main(Deno.args, {
    env: Deno.env.toObject(),
    cwd: Deno.cwd(),
    out: write(Deno.stdout),
    err: write(Deno.stderr),
    shutdown: shutdownSignal(),
    stdin: () => Deno.stdin.readable,
  });
  Deno.exit(code);
}
