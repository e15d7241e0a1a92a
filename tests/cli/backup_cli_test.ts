// `soulbot backup` and `soulbot restore` as commands: file naming, --latest, refusing to
// overwrite data without --force (and the safety backup with it), clear failures.

import assert from "node:assert/strict";
import { runSoulbot } from "../harness/cli.ts";
import { freshDb, serverUrl } from "../harness/db.ts";

const show = (r: { code: number; stdout: string; stderr: string }) =>
  `code ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

Deno.test("backup and restore --latest on the embedded database", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_cli_backup_" });
  const env = { DATA_DIR: `${dir}/data`, BACKUP_DIR: `${dir}/backups` };
  try {
    assert.equal((await runSoulbot(["migrate"], env)).code, 0);
    const backup = await runSoulbot(["backup"], env);
    assert.equal(backup.code, 0, show(backup));
    assert.match(
      backup.stdout,
      /^✅ Backup saved: .*backups\/backup_\d{8}_\d{6}\.sql \(\d+ tables/,
    );
    const files = [...Deno.readDirSync(`${dir}/backups`)].map((e) => e.name);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^backup_\d{8}_\d{6}\.sql$/);
    const restore = await runSoulbot(["restore", "--latest"], env);
    assert.equal(restore.code, 0, show(restore));
    assert.match(restore.stdout, /^✅ Restored .*backup_\d{8}_\d{6}\.sql/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("restore refuses a backup whose rows were edited, naming the table; an old one restores with a warning", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_cli_backup_" });
  const env = { DATA_DIR: `${dir}/data`, BACKUP_DIR: `${dir}/backups` };
  try {
    assert.equal((await runSoulbot(["migrate"], env)).code, 0);
    assert.equal((await runSoulbot(["backup"], env)).code, 0);
    const [name] = [...Deno.readDirSync(`${dir}/backups`)].map((e) => e.name);
    const text = await Deno.readTextFile(`${dir}/backups/${name}`);
    const edited = text.replace(/("name": ?")([^"]+)/, "$1edited_$2");
    assert.notEqual(edited, text);
    await Deno.writeTextFile(`${dir}/edited.sql`, edited);
    const refused = await runSoulbot(["restore", `${dir}/edited.sql`], env);
    assert.equal(refused.code, 1, show(refused));
    assert.match(
      refused.stderr,
      /❌ Cannot restore .*table schema_migrations: .*checksum mismatch/,
    );
    const old = text.replace("-- format: 2", "-- format: 1").replace(/^-- sha256: .*\n/m, "");
    await Deno.writeTextFile(`${dir}/old.sql`, old);
    const restored = await runSoulbot(["restore", `${dir}/old.sql`], env);
    assert.equal(restored.code, 0, show(restored));
    assert.match(restored.stderr, /⚠️ .*made before backups carried checksums/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an unreachable database: backup fails clearly and leaves no file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_cli_backup_" });
  try {
    const r = await runSoulbot(["backup"], {
      DATABASE_URL: "postgres://nobody@127.0.0.1:9/none",
      BACKUP_DIR: dir,
    });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /❌ Backup failed: the database is unreachable.*Nothing was saved/s);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("restore refuses a damaged file and needs FILE or --latest", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_cli_backup_" });
  try {
    await Deno.writeTextFile(`${dir}/backup_20260101_000000.sql`, "-- SoulNear backup\nBEGIN;");
    const r = await runSoulbot(["restore", `${dir}/backup_20260101_000000.sql`], {
      DATA_DIR: `${dir}/data`,
    });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /❌ Cannot restore .*incomplete/);
    const usage = await runSoulbot(["restore"], { DATA_DIR: `${dir}/data` });
    assert.equal(usage.code, 2, show(usage));
    const none = await runSoulbot(["restore", "--latest"], {
      DATA_DIR: `${dir}/data`,
      BACKUP_DIR: `${dir}/empty`,
    });
    assert.equal(none.code, 1, show(none));
    assert.match(none.stderr, /No backups in/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "restore over data needs --force, and takes a safety backup first (PostgreSQL)",
  ignore: !serverUrl(),
  async fn() {
    await using db = await freshDb();
    const dir = await Deno.makeTempDir({ prefix: "soulbot_cli_backup_" });
    const env = { DATABASE_URL: db.url!, BACKUP_DIR: dir };
    try {
      await db.query("INSERT INTO users (id, first_name) VALUES (1, 'Алиса')");
      assert.equal((await runSoulbot(["backup"], env)).code, 0);
      await db.query("INSERT INTO users (id, first_name) VALUES (2, 'Борис')");
      const refused = await runSoulbot(["restore", "--latest"], env);
      assert.equal(refused.code, 1, show(refused));
      assert.match(refused.stderr, /holds data \(users: 2\).*--force/);
      const forced = await runSoulbot(["restore", "--latest", "--force"], env);
      assert.equal(forced.code, 0, show(forced));
      assert.match(forced.stdout, /Safety backup of the current data: .*before_restore_/);
      const rows = await db.query<{ id: number }>("SELECT id FROM users ORDER BY id");
      assert.deepEqual(rows.map((r) => r.id), [1]);
      assert.ok([...Deno.readDirSync(dir)].some((e) => e.name.startsWith("before_restore_")));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "restore after a fresh deploy: the program's own bookkeeping rows are not data (PostgreSQL)",
  ignore: !serverUrl(),
  async fn() {
    await using db = await freshDb();
    const dir = await Deno.makeTempDir({ prefix: "soulbot_cli_backup_" });
    const env = { DATABASE_URL: db.url!, BACKUP_DIR: dir };
    try {
      await db.query("INSERT INTO users (id, first_name) VALUES (1, 'Алиса')");
      assert.equal((await runSoulbot(["backup"], env)).code, 0);
      // Deployed anew: an empty database, then what the bot and api write within a minute.
      await db.query("DELETE FROM users");
      await db.query(
        `INSERT INTO metric_day (date, service, name, value) VALUES (current_date, 'bot', 'x', 1)`,
      );
      await db.query(
        `INSERT INTO job_leases (name, owner, until) VALUES ('housekeeping:prune', 'h:1:a', now())`,
      );
      const restored = await runSoulbot(["restore", "--latest"], env);
      assert.equal(restored.code, 0, show(restored));
      assert.doesNotMatch(restored.stdout, /Safety backup/);
      const rows = await db.query<{ id: number }>("SELECT id FROM users");
      assert.deepEqual(rows.map((r) => r.id), [1]);
      // Any other row is data: refused without --force, naming the table and only it.
      await db.query(`INSERT INTO aiogram_states (key, data) VALUES ('1:1', '{}')`);
      const refused = await runSoulbot(["restore", "--latest"], env);
      assert.equal(refused.code, 1, show(refused));
      assert.match(refused.stderr, /holds data \(aiogram_states: 1, users: 1\).*--force/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
