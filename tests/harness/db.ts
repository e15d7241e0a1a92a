// A fresh, migrated database per test: a temporary database on the server named by
// TEST_DATABASE_URL (dropped afterwards), otherwise an in-memory PGlite cloned from a template
// migrated once per test process (cloning takes ~0.5 s, a cold start ~2 s).

import postgres from "postgres";
import { PGlite } from "@electric-sql/pglite";
import type { Db } from "../../src/db/db.ts";
import { createPostgresDb } from "../../src/db/postgres.ts";
import { createPgliteDb } from "../../src/db/pglite.ts";
import { loadMigrations, migrate } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/log.ts";

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
