// Subcommands that are announced but not built yet: they say so and exit with the usage code.

import { type Command, EXIT_USAGE } from "./command.ts";

export function pending(name: string): Command {
  const text = `soulbot ${name}: not implemented yet`;
  return {
    name,
    summary: "not implemented yet",
    help:
      `Usage: soulbot ${name}\n\nThis command is not implemented yet: it exits with code 2.\n\n` +
      `Examples:\n  soulbot ${name} --help`,
    run(_args, io) {
      io.err(text);
      return Promise.resolve(EXIT_USAGE);
    },
  };
}
