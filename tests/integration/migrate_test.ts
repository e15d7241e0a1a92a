// Migrator: applies in order once, records versions with timestamps, refuses edited files,
// and is safe when two processes (here: two connections) migrate at the same moment.

import assert from "node:assert/strict";
import { freshDb, serverUrl } from "../harness/db.ts";
import { loadMigrations, migrate, type Migration, migrationStatus } from "../../src/db/migrate.ts";
import { createPostgresDb } from "../../src/db/postgres.ts";
import { createLogger } from "../../src/log.ts";
import { MigrationError } from "../../src/errors.ts";

Deno.test("migrate applies every migration once, then nothing", async () => {
  await using db = await freshDb({ migrated: false });
  const migrations = await loadMigrations();
  assert.ok(migrations.length >= 1);
  const first = await migrate(db, migrations);
  assert.deepEqual(first.map((m) => m.version), migrations.map((m) => m.version));
  const second = await migrate(db, migrations);
  assert.deepEqual(second, []);
  const rows = await db.query<{ version: number; applied_at: Date }>(
    "SELECT version, applied_at FROM schema_migrations ORDER BY version",
  );
  assert.equal(rows.length, migrations.length);
  for (const r of rows) {
    assert.ok(r.applied_at instanceof Date && r.applied_at.getTime() > Date.now() - 600_000);
  }
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
  );
  const names = tables.map((t) => t.table_name);
  for (const t of ["users", "aiogram_states", "statistic_day", "schema_migrations"]) {
    assert.ok(names.includes(t), `${t} exists`);
  }
  const status = await migrationStatus(db, migrations);
  assert.ok(status.every((s) => s.state === "applied"));
});

Deno.test("migrate refuses a landed migration whose file changed", async () => {
  await using db = await freshDb({ migrated: false });
  const migrations = await loadMigrations();
  await migrate(db, migrations);
  const edited: Migration[] = migrations.map((m, i) =>
    i === 0 ? { ...m, sql: m.sql + "\n-- edited", checksum: "0".repeat(64) } : m
  );
  await assert.rejects(() => migrate(db, edited), (err: unknown) => {
    assert.ok(err instanceof MigrationError);
    assert.match(err.message, /0001_init\.sql was changed after it was applied/);
    return true;
  });
  const status = await migrationStatus(db, edited);
  assert.equal(status[0]?.state, "changed");
});

Deno.test("a failing migration leaves nothing of itself behind", async () => {
  await using db = await freshDb({ migrated: false });
  const migrations = await loadMigrations();
  const broken: Migration = {
    version: 9999,
    name: "broken",
    file: "9999_broken.sql",
    sql: "CREATE TABLE half_done (id int); SELECT no_such_function();",
    checksum: "x",
  };
  await assert.rejects(() => migrate(db, [...migrations, broken]), /9999_broken\.sql failed/);
  const half = await db.query(
    "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'",
  );
  assert.equal(half.length, 0);
  const status = await migrationStatus(db, [...migrations, broken]);
  assert.equal(status.at(-1)?.state, "pending");
  assert.ok(status.slice(0, -1).every((s) => s.state === "applied"));
});

Deno.test({
  name: "two processes migrating at once apply each migration exactly once",
  ignore: !serverUrl(), // PGlite is single-process; the advisory lock matters on a server
  async fn() {
    await using db = await freshDb({ migrated: false });
    const log = createLogger({ level: "error" });
    const a = createPostgresDb({ url: db.url!, description: "a", log });
    const b = createPostgresDb({ url: db.url!, description: "b", log });
    try {
      const migrations = await loadMigrations();
      const [ra, rb] = await Promise.all([migrate(a, migrations), migrate(b, migrations)]);
      assert.equal(ra.length + rb.length, migrations.length);
      const rows = await db.query("SELECT version FROM schema_migrations");
      assert.equal(rows.length, migrations.length);
    } finally {
      await a.close();
      await b.close();
    }
  },
});

Deno.test("migration status on an empty database changes nothing", async () => {
  await using db = await freshDb({ migrated: false });
  const status = await migrationStatus(db, await loadMigrations());
  assert.ok(status.length >= 1 && status.every((s) => s.state === "pending"));
  const [t] = await db.query<{ exists: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists",
  );
  assert.equal(t?.exists, false);
});
