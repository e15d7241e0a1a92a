// Opens the configured database at start-up, waiting for a PostgreSQL server that is not up yet
// (a container starting beside us) with backoff for a bounded time, one log line per attempt.

import type { Db } from "./db.ts";
import { createPostgresDb } from "./postgres.ts";
import { createPgliteDb } from "./pglite.ts";
import { isTransient } from "./transient.ts";
import { DatabaseError } from "../errors.ts";
import { describeError, type Logger } from "../log.ts";
import { sleep } from "../sleep.ts";

export type DatabaseConfig =
  | { kind: "postgres"; url: string; display: string }
  | { kind: "pglite"; dataDir: string };

export interface OpenOptions {
  log: Logger;
  /** How long to keep trying to reach the server. */
  deadlineMs?: number;
  /** Stops the waiting (shutdown during start-up). */
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export async function openDatabase(cfg: DatabaseConfig, opts: OpenOptions): Promise<Db> {
  if (cfg.kind === "pglite") return await createPgliteDb({ dataDir: cfg.dataDir, log: opts.log });
  const db = createPostgresDb({
    url: cfg.url,
    description: `postgres ${cfg.display}`,
    log: opts.log,
  });
  try {
    await waitForServer(db, opts);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}

async function waitForServer(db: Db, opts: OpenOptions): Promise<void> {
  const wait = opts.sleep ?? ((ms: number) => sleep(ms, opts.signal));
  const now = opts.now ?? Date.now;
  const deadline = now() + (opts.deadlineMs ?? 60_000);
  for (let attempt = 1, delay = 500;; attempt++, delay = Math.min(delay * 2, 5_000)) {
    try {
      await db.query("select 1", [], { attempts: 1 }); // this loop does its own retrying
      return;
    } catch (err) {
      const left = deadline - now();
      if (!isTransient(err) || left <= 0) {
        throw new DatabaseError(`Cannot connect to database ${db.description}`, { cause: err });
      }
      const ms = Math.min(delay, left);
      opts.log.warn(
        `Database not reachable (attempt ${attempt}): ${describeError(err)}; ` +
          `retrying in ${(ms / 1000).toFixed(1)} s`,
        { db: db.description },
      );
      await wait(ms);
    }
  }
}
