// The PostgreSQL backend after its connections were killed (server restart, failover,
// pg_terminate_backend): the next statements reconnect instead of failing or crashing.

import assert from "node:assert/strict";
import postgres from "postgres";
import { freshDb, serverUrl } from "../harness/db.ts";

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
