// A fresh, migrated database per test: a temporary database on the server named by
// TEST_DATABASE_URL (dropped afterwards), otherwise an in-memory PGlite cloned from a template
// migrated once per test process (cloning takes ~0.5 s, a cold start ~2 s).

import postgres from "postgres";
import { PGlite } from "@electric-sql/pglite";
import type { Db, Queryable } from "../../src/db/db.ts";
import { createPostgresDb } from "../../src/db/postgres.ts";
import { createPgliteDb } from "../../src/db/pglite.ts";
import { loadMigrations, migrate } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/log.ts";
import type { UserRecord } from "../../src/users/users.ts";
import type { SessionData } from "../../src/bot/context.ts";

export type TestDb = Db & AsyncDisposable & {
  /** postgres:// url of this database (server backend only). */
  url?: string;
};

const quiet = createLogger({ level: "error" });

export function serverUrl(): string | undefined {
  return Deno.env.get("TEST_DATABASE_URL") || undefined;
}

export async function freshDb(opts: { migrated?: boolean } = {}): Promise<TestDb> {
  const migrated = opts.migrated ?? true;
  const url = serverUrl();
  return url ? await serverDb(url, migrated) : await pgliteDb(migrated);
}

let template: Promise<PGlite> | undefined;

async function pgliteDb(migrated: boolean): Promise<TestDb> {
  let instance: PGlite;
  if (migrated) {
    template ??= (async () => {
      const pg = await PGlite.create();
      await migrate(await createPgliteDb({ instance: pg }), await loadMigrations());
      return pg;
    })();
    instance = await (await template).clone() as PGlite;
  } else {
    instance = await PGlite.create();
  }
  const db = await createPgliteDb({ instance });
  return Object.assign(db, { [Symbol.asyncDispose]: () => db.close() });
}

async function serverDb(url: string, migrated: boolean): Promise<TestDb> {
  const name = `soulbot_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const db = createPostgresDb({
    url: dbUrl.href,
    description: `postgres test ${name}`,
    log: quiet,
  });
  if (migrated) await migrate(db, await loadMigrations());
  const dispose = async () => {
    await db.close();
    const a = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await a.end();
    }
  };
  return Object.assign(db, { url: dbUrl.href, [Symbol.asyncDispose]: dispose });
}

/**
 * An empty database for child processes (`soulbot ...`), as the environment that points them at
 * it: a server database (not migrated; the processes open their own connections) or a temporary
 * embedded data directory. Disposing of it drops the database or removes the directory.
 */
export async function processDb(): Promise<{ env: Record<string, string> } & AsyncDisposable> {
  if (serverUrl()) {
    const db = await freshDb({ migrated: false });
    await db.close();
    return {
      env: { DATABASE_URL: db.url! },
      [Symbol.asyncDispose]: () => db[Symbol.asyncDispose](),
    };
  }
  const dir = await Deno.makeTempDir({ prefix: "soulbot_data_" });
  return {
    env: { DATA_DIR: dir },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

// ---- reading what a test left behind ---------------------------------------------------------

/** Whatever holds the database under test: a test bot, or `{ db }`. */
export interface WithDb {
  db: Queryable;
}

/**
 * How many rows `table` has, or how many of them have every column of `match` equal to its value
 * (`count(t, "safety_events", { kind: "sos" })`).
 */
export async function count(
  t: WithDb,
  table: string,
  match: Record<string, unknown> = {},
): Promise<number> {
  const columns = Object.keys(match);
  const where = columns.length
    ? ` WHERE ${columns.map((c, i) => `"${c}" = $${i + 1}`).join(" AND ")}`
    : "";
  const [row] = await t.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${table}"${where}`,
    Object.values(match),
  );
  return row!.n;
}

/** The users row of `who`; undefined if there is none. */
export async function userRow(t: WithDb, who: { id: number }): Promise<UserRecord | undefined> {
  const [row] = await t.db.query<UserRecord>("SELECT * FROM users WHERE id = $1", [who.id]);
  return row;
}

/** A conversation_history row as tests read it (user_id as text). */
export interface HistoryRow {
  id: number;
  user_id: string;
  assistant: string;
  role: string;
  status: string;
  content: string;
}

/** Every chat message stored, everyone's, oldest first. */
export async function history(t: WithDb): Promise<HistoryRow[]> {
  return await t.db.query<HistoryRow>(
    `SELECT id::int AS id, user_id::text AS user_id, assistant, role, status, content
     FROM conversation_history ORDER BY id`,
  );
}

/** The dialog state stored for `who`'s chat in aiogram_states; {} if none is stored. */
export async function sessionOf(t: WithDb, who: { id: number }): Promise<SessionData> {
  const [row] = await t.db.query<{ data: SessionData }>(
    "SELECT data FROM aiogram_states WHERE key = $1",
    [String(who.id)],
  );
  return row?.data ?? {};
}
