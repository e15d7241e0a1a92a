// Argument parsing shared by subcommands: node:util parseArgs, with its errors turned into
// UsageError (exit code 2) and --help handled the same way everywhere.

import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseCommandArgs<O extends Options>(
  name: string,
  args: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new UsageError(`soulbot ${name}: ${reason}. See soulbot ${name} --help`);
  }
}
