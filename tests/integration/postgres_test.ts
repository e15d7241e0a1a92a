// The PostgreSQL backend after its connections were killed (server restart, failover,
// pg_terminate_backend): the next statements reconnect instead of failing or crashing.

import assert from "node:assert/strict";
import postgres from "postgres";
import { freshDb, serverUrl } from "../harness/db.ts";
import { createPostgresDb } from "../../src/db/postgres.ts";
import { createLogger } from "../../src/log.ts";

const quiet = createLogger({ level: "error" });

Deno.test({
  name: "postgres: reads and writes work again after every connection was terminated",
  ignore: !serverUrl(), // PGlite has no connection to drop
  async fn() {
    await using db = await freshDb();
    await db.query("INSERT INTO users (id, first_name) VALUES (1, 'a')");
    const admin = postgres(db.url!, { max: 1, onnotice: () => {} });
    try {
      const killed = await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'soulbot' AND datname = current_database()
          AND pid <> pg_backend_pid()`;
      assert.ok(killed.length >= 1);
    } finally {
      await admin.end();
    }
    assert.deepEqual(await db.query("SELECT id FROM users"), [{ id: 1 }]);
    await db.query("INSERT INTO users (id, first_name) VALUES (2, 'b')");
    const n = await db.transaction(async (tx) => {
      await tx.query("UPDATE users SET age = 30 WHERE id = 2");
      return (await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM users"))[0]!.n;
    });
    assert.equal(n, 2);
  },
});

/** The backend on one connection of `url`, so that its prepared statements can be seen. */
function oneConnection(url: string) {
  return createPostgresDb({
    url,
    description: "one connection",
    log: quiet,
    max: 1,
    prepare: true,
  });
}

Deno.test({
  name: "postgres: a statement with parameters is prepared once per connection and reused",
  ignore: !serverUrl(),
  async fn() {
    await using db = await freshDb();
    const one = oneConnection(db.url!);
    try {
      await one.query("INSERT INTO users (id, first_name) VALUES ($1, $2)", [1, "a"]);
      for (const id of [1, 2, 1]) await one.query("SELECT id FROM users WHERE id = $1", [id]);
      await one.transaction((tx) => tx.query("SELECT id FROM users WHERE id = $1", [3]));
      const prepared = await one.query<{ statement: string }>(
        "SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%users%' " +
          "ORDER BY prepare_time",
      );
      assert.deepEqual(prepared.map((p) => p.statement), [
        "INSERT INTO users (id, first_name) VALUES ($1, $2)",
        "SELECT id FROM users WHERE id = $1",
      ]);
    } finally {
      await one.close();
    }
  },
});

Deno.test({
  name: "postgres: a prepared statement whose result columns a migration changed is prepared anew",
  ignore: !serverUrl(),
  async fn() {
    await using db = await freshDb();
    const one = oneConnection(db.url!);
    try {
      await one.query("INSERT INTO users (id, first_name) VALUES ($1, $2)", [1, "a"]);
      const read = "SELECT * FROM users WHERE id = $1";
      assert.equal((await one.query(read, [1])).length, 1);
      // Another process migrates: the cached plan's result type is no longer the table's.
      await db.exec("ALTER TABLE users ADD COLUMN nickname text DEFAULT 'x'");
      const [row] = await one.query<{ nickname: string }>(read, [1]);
      assert.equal(row?.nickname, "x");
      // Inside a transaction the stale statement fails that transaction (rolled back, and not
      // run again: the callback may have done more than the statement), and the next one
      // prepares it anew.
      await db.exec("ALTER TABLE users DROP COLUMN nickname");
      const inTx = () => one.transaction((tx) => tx.query<Record<string, unknown>>(read, [1]));
      await assert.rejects(inTx(), /cached plan must not change result type/);
      const [again] = await inTx();
      assert.deepEqual(again && Object.keys(again).includes("nickname"), false);
    } finally {
      await one.close();
    }
  },
});
