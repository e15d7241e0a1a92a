// The one small database interface every module uses, whatever the backend (PostgreSQL server
// through postgres.js, or embedded PGlite). Queries are plain SQL with $1, $2 ... parameters.
// A json/jsonb parameter is passed as the value itself (object or array): both backends
// serialise it by the parameter's type, and they disagree about pre-serialised strings.
// On a server each statement text is prepared once per connection and kept: build texts from a
// bounded set — values always as parameters, a list of any length as one array parameter
// (`= ANY($1)`, `unnest($1::bigint[])`), never as a generated run of placeholders.

export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Row>(sql: string, params?: readonly unknown[], opts?: QueryOptions): Promise<T[]>;
  /** Runs a script of one or more statements without parameters (migrations, dumps). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: "postgres" | "pglite";
  /** A human-readable description without secrets ("postgres 127.0.0.1:5432/soul_bot"). */
  readonly description: string;
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` on every NOTIFY on `channel` (from any process, on a server); resolves when
   * listening, with the function that stops it. A dropped connection listens again by itself.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface QueryOptions {
  /** Safe to run again after the connection dropped mid-flight (reads, idempotent upserts). */
  idempotent?: boolean;
  /** Overrides how many times a transiently failing statement is tried (1 = no retry). */
  attempts?: number;
}
