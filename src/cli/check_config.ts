// `soulbot check-config`: validates the environment as the bot would and prints a redacted
// summary (what validate-env.sh and `make up` call before starting anything).

import { configSummary } from "../config_summary.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_FAILURE, EXIT_OK } from "./command.ts";
import { ConfigError } from "../errors.ts";
import { loadCliConfig } from "./setup.ts";

const help = `Usage: soulbot check-config

Validates the environment (ENV selects .env.prod / .env.test / .env; the real environment wins)
the way \`soulbot bot\` needs it: BOT_TOKEN and OPENAI_API_KEY must be set. Prints every problem
at once, as readable lines whatever LOG_FORMAT says, or a summary in which no secret value
appears.

Examples:
  soulbot check-config
  ENV=prod soulbot check-config

Exit codes: 0 valid, 1 invalid, 2 usage error.`;

export const command: Command = {
  name: "check-config",
  summary: "validate the environment",
  help,
  async run(args, io) {
    const { values } = parseCommandArgs("check-config", args, {});
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    let loaded;
    try {
      loaded = await loadCliConfig(io, ["BOT_TOKEN", "OPENAI_API_KEY"]);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // A report for people (validate-env.sh), whatever LOG_FORMAT the services log in.
      io.err("soulbot check-config: the configuration is invalid:");
      for (const p of err.problems) io.err(`  - ${p}`);
      io.err("Fix these in the env file for ENV (see .env.example) or in the environment.");
      return EXIT_FAILURE;
    }
    const { config, files } = loaded;
    io.out(
      `✅ Configuration is valid (ENV=${config.env}; read ${
        files.length ? files.join(", ") : "no env file"
      })`,
    );
    for (const line of configSummary(config)) io.out(`  ${line}`);
    return EXIT_OK;
  },
};
