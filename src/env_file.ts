// Reads the env file that belongs to ENV (.env.prod, .env.test or .env) and merges it under the
// real environment, which always wins; validation is config.ts's job.

import { join } from "node:path";
import { parse } from "dotenv";
import { ConfigError } from "./errors.ts";

export interface Environment {
  /** The file values overlaid by the real environment. */
  values: Record<string, string>;
  /** The env files that were read, relative to `cwd` (empty when none exists). */
  files: string[];
}

/**
 * The env file name for an ENV value: `.env.prod`, `.env.test`, or `.env` when ENV is unset or
 * `local`. Any other value gets no file; config validation reports the bad ENV.
 */
export function envFileName(env: string | undefined): string | undefined {
  const name = env?.trim().toLowerCase() ?? "";
  if (name === "" || name === "local") return ".env";
  if (name === "prod" || name === "test") return `.env.${name}`;
  return undefined;
}

/**
 * Loads the env file chosen by `processEnv.ENV` from `cwd`. A missing file is fine. A variable
 * set in the real environment wins over the file, except when it is empty (empty means unset,
 * as in config.ts, so `BOT_TOKEN=` from a compose file does not hide the file's value).
 */
export async function readEnvironment(
  processEnv: Record<string, string>,
  cwd: string,
): Promise<Environment> {
  const name = envFileName(processEnv.ENV);
  const fileValues = name === undefined ? undefined : await readEnvFile(join(cwd, name), name);
  const values: Record<string, string> = { ...fileValues };
  for (const [key, value] of Object.entries(processEnv)) {
    if (value !== "" || !(key in values)) values[key] = value;
  }
  return { values, files: fileValues && name ? [name] : [] };
}

async function readEnvFile(
  path: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError([`Cannot read ${name}: ${reason}`]);
  }
  return parse(text);
}
