// PostgreSQL server backend of the Db interface, through postgres.js (a pool of connections
// that reconnects by itself). Transient connection errors are retried where that is safe.
// Statements with parameters are prepared (below); without parameters (a dump's pages) they go
// by the simple protocol, unprepared.

import postgres from "postgres";
import type { Db, Queryable, QueryOptions, Row } from "./db.ts";
import { isDropped, isNotReached, isReadOnly, withRetry } from "./transient.ts";
import type { Logger } from "../log.ts";

export interface PostgresOptions {
  url: string;
  /** Shown in logs instead of the url, which may carry a password. */
  description: string;
  log: Logger;
  max?: number;
  /** Named prepared statements (see above; default true). */
  prepare?: boolean;
  /** Attempts for one statement when the connection is transiently unavailable. */
  attempts?: number;
}

// int8 values (Telegram ids, counts) come back as numbers, as they do from PGlite; every id
// Telegram issues fits in a double exactly.
const INT8 = {
  to: 20,
  from: [20],
  serialize: (x: unknown) => String(x),
  parse: (x: string) => Number(x),
};

// Statements with parameters run as named prepared statements, cached per connection by their
// text: after its first use a statement costs one round trip (Bind/Execute) and can be pipelined
// with others on the connection. Unnamed ones, postgres.js's default for `unsafe`, cost two every
// time — Parse/Describe, wait for the parameter types, then Bind/Execute — which was half the
// process's CPU per statement and half its latency (`deno task bench:driver`, README). The cache
// grows with the number of distinct texts, so texts come from a bounded set (see db.ts); a
// connection and its statements are replaced after postgres.js's max_lifetime (30–60 min).
// A migration that changes a prepared statement's result columns (a column's type; `SELECT *`,
// which this code never uses) makes the server refuse it once per connection: outside a
// transaction postgres.js prepares it again at once; inside one that transaction fails (rolled
// back) and the next prepares it anew — not retried here, since its callback may have done more.
//
// On by default (`prepare: false` turns them off). They were off for a while: our outage test
// (the server stopped ~10 s under load, then started) failed to recover in time, with or without
// them. The cause was postgres.js's reconnect backoff, not prepared statements (see `backoff`
// below); with it capped the test recovers every time in both modes.

/** Seconds before reconnect attempt n (postgres.js counts failed connects, 0 after a success). */
export function reconnectDelaySeconds(failures: number): number {
  return Math.min(0.05 * 2 ** failures, 1);
}

export function createPostgresDb(opts: PostgresOptions): Db {
  const PREPARED = { prepare: opts.prepare ?? true } as const;
  const sql = postgres(opts.url, {
    max: opts.max ?? 10,
    idle_timeout: 60,
    connect_timeout: 10,
    // postgres.js waits before reconnecting, up to 20 s once many attempts have failed (its
    // counter is shared by the pool and grows with every refused connect during an outage): the
    // bot then stayed unable to store or answer for tens of seconds after the server was back.
    // Capped at a second; reconnecting that often costs a down server nothing.
    backoff: reconnectDelaySeconds,
    onnotice: () => {},
    types: { int8: INT8 },
    connection: { application_name: "soulbot" },
  });
  const attempts = opts.attempts ?? 4;
  const retrying = <T>(run: () => Promise<T>, safeAfterDrop: boolean, tries = attempts) =>
    withRetry(run, {
      attempts: tries,
      baseDelayMs: 250,
      retryable: (err) => isNotReached(err) || (safeAfterDrop && isDropped(err)),
      onRetry: (err, attempt, delayMs) =>
        opts.log.warn("Database connection problem, retrying", { attempt, delayMs, err }),
    });

  return {
    kind: "postgres",
    description: opts.description,
    query<T = Row>(text: string, params: readonly unknown[] = [], qo: QueryOptions = {}) {
      return retrying(
        async () => Array.from(await sql.unsafe(text, params as never[], PREPARED)) as T[],
        qo.idempotent ?? isReadOnly(text),
        qo.attempts,
      );
    },
    exec(script: string) {
      return retrying(async () => {
        await sql.unsafe(script).simple();
      }, false);
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      // Only a transaction that never reached the server is retried: after a drop we cannot
      // know whether COMMIT happened.
      return retrying(
        () =>
          sql.begin((tx) =>
            fn({
              query: async <R = Row>(text: string, params: readonly unknown[] = []) =>
                Array.from(await tx.unsafe(text, params as never[], PREPARED)) as R[],
              exec: async (script: string) => {
                await tx.unsafe(script).simple();
              },
            })
          ) as Promise<T>,
        false,
      );
    },
    async listen(channel: string, onNotify: () => void) {
      // postgres.js keeps one connection for listening and listens again after a reconnect.
      const { unlisten } = await sql.listen(channel, () => onNotify());
      return unlisten;
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
