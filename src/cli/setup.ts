// What the subcommands that need configuration share: read the env file for ENV, validate, and
// build the logger the configuration asks for.

import { type ConfigWith, loadConfig, type RequiredSecret } from "../config.ts";
import { readEnvironment } from "../env_file.ts";
import { createLogger, type Logger, type LoggerOptions } from "../log.ts";
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
