// What the subcommands that need configuration share: read the env file for ENV, validate, and
// build the logger the configuration asks for.

import { type ConfigWith, loadConfig, type RequiredSecret } from "../config.ts";
import { readEnvironment } from "../env_file.ts";
import { createLogger, type LogFormat, type Logger, type LoggerOptions } from "../log.ts";
import type { CliIo } from "./command.ts";

/** `config` has the secrets the command required typed as present. */
export interface Loaded<R extends readonly RequiredSecret[] = []> {
  config: ConfigWith<R>;
  files: string[];
  log: Logger;
}

export async function loadCliConfig<const R extends readonly RequiredSecret[] = []>(
  io: CliIo,
  require?: R,
  observe?: LoggerOptions["observe"],
): Promise<Loaded<R>> {
  const { values, files } = await readEnvironment(io.env, io.cwd);
  const config = loadConfig(values, { require, cwd: io.cwd });
  const log = createLogger({ level: config.log.level, format: config.log.format, observe });
  return { config, files, log };
}

/**
 * The logger for a command's failure (main.ts): the format the configuration asks for — LOG_FORMAT,
 * else JSON for ENV=prod, as for a valid configuration — read leniently, since the configuration
 * may be what failed; level ERROR lines go to stderr. So a crash loop in a container logging JSON
 * shows in `make logs-bot | grep ERROR`.
 */
export async function failureLogger(io: CliIo): Promise<{ log: Logger; format: LogFormat }> {
  let values = io.env;
  try {
    values = (await readEnvironment(io.env, io.cwd)).values;
  } catch {
    // An env file that cannot be read: the process environment alone.
  }
  const asked = values.LOG_FORMAT?.trim().toLowerCase();
  const format: LogFormat = asked === "json" || asked === "pretty"
    ? asked
    : values.ENV?.trim().toLowerCase() === "prod"
    ? "json"
    : "pretty";
  return { log: createLogger({ format, write: io.err }), format };
}
