// What the long-running subcommands that handle updates share (`bot`, `worker`): refusing the
// embedded database where several processes must share one, a warning at start-up when no model
// can answer, and giving pattern analyses still running at a stop a bounded time to finish.

import type { DatabaseConfig } from "../db/connect.ts";
import type { Logger } from "../log.ts";

/** The start-up warning of a process that answers users without an OpenAI key. */
export const NO_OPENAI_KEY = "OPENAI_API_KEY is not set: every message to the assistants will " +
  "be answered «модель сейчас недоступна» and quiz results are built from the scores alone. " +
  "Set OPENAI_API_KEY to your OpenAI key (with OPENAI_BASE_URL for an OpenAI-compatible server)";

/** Warns once, at start-up, when the assistants have no key to answer with. */
export function warnWithoutModel(openai: { apiKey?: string }, log: Logger): void {
  if (!openai.apiKey) log.warn(NO_OPENAI_KEY);
}

const ANALYSIS_GRACE_MS = 15_000;

/**
 * Throws unless the database is a PostgreSQL server: `what` (e.g. "soulbot worker") shares the
 * inbox with other processes, and the embedded database admits one process only.
 */
export function requireServerDatabase(database: DatabaseConfig, what: string): void {
  if (database.kind === "postgres") return;
  throw new Error(
    `${what} needs a PostgreSQL server (set DATABASE_URL or POSTGRES_HOST): it shares the ` +
      `inbox with other processes, and the embedded database (PGlite under DATA_DIR) cannot be ` +
      "shared across processes — it admits one. For one process on one machine run `soulbot bot`.",
  );
}

/** Pattern analyses still running at a stop get a bounded time to finish (they retry later). */
export async function finishAnalyses(idle: Promise<void>, log: Logger): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((r) => timer = setTimeout(() => r(true), ANALYSIS_GRACE_MS));
  const timedOut = await Promise.race([idle.then(() => false), late]);
  clearTimeout(timer);
  if (timedOut) log.warn("Stopped before a pattern analysis finished; later analyses catch up");
}
