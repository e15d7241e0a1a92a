// Backup → wipe → restore gives back the same rows (per-table counts and checksums) on the
// backend under test; the file also restores with psql into an empty server database; a damaged,
// cut or edited file is refused before anything is touched; an old one without checksums restores.

import assert from "node:assert/strict";
import { freshDb, serverUrl, type TestDb } from "../harness/db.ts";
import { loadMigrations } from "../../src/db/migrate.ts";
import type { Queryable } from "../../src/db/db.ts";
import { latestBackup, writeBackup } from "../../src/ops/backup_files.ts";
import { BackupError, parseBackup, restoreDatabase, tableCounts } from "../../src/ops/dump.ts";
import { extendSubscription } from "../../src/payments/store.ts";

const NOW = new Date("2026-11-24T09:00:00Z");

async function seed(db: TestDb) {
  await db.query(
    `INSERT INTO users (id, first_name, display_name, age, gender, consent_at)
     VALUES (1, 'Алиса', 'Алиса «Лис» O''Hara', 29, 'female', $1), (2, 'Bob', NULL, NULL, NULL, NULL)`,
    [NOW],
  );
  await extendSubscription(db, 1, 1, NOW);
  await db.query(
    `INSERT INTO conversation_history (user_id, assistant, role, content, status, created_at)
     VALUES (1, 'helper', 'user', $1, 'answered', $2), (1, 'helper', 'assistant', 'ответ', 'answered', $2)`,
    ["Строка с 'кавычками', \\обратной чертой\\ и\nпереносом 🌙", NOW],
  );
  await db.query(
    `INSERT INTO payments (user_id, idempotence_key, months, amount, status, expires_at)
     VALUES (1, $1, 3, 2999, 'succeeded', $2)`,
    [crypto.randomUUID(), NOW],
  );
  await db.query(
    `INSERT INTO user_profiles (user_id, patterns, embeddings) VALUES (1, $1, $2)`,
    [[{ id: "p1", title: 'Страх "осуждения"', evidence: ["я молчу"] }], { p1: [0.1, -0.25] }],
  );
  await db.query(
    "INSERT INTO aiogram_states (key, data) VALUES ('1', $1)",
    [{ flow: "chat", assistant: "helper" }],
  );
  await db.query(
    "INSERT INTO statistic_day (date, new_users, earn) VALUES ('2026-11-24', 2, 2999)",
  );
}

async function checksums(db: Queryable): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of Object.keys(await tableCounts(db))) {
    const [row] = await db.query<{ sum: string }>(
      `SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS sum FROM "${t}" x`,
    );
    out[t] = row!.sum;
  }
  return out;
}

Deno.test("backup → wipe → restore: the same rows in every table, sequences continue", async () => {
  await using db = await freshDb();
  const dir = await Deno.makeTempDir({ prefix: "soulbot_backup_" });
  try {
    await seed(db);
    const before = { counts: await tableCounts(db), sums: await checksums(db) };
    const written = await writeBackup(db, await loadMigrations(), dir, NOW);
    assert.match(written.path, /backup_20261124_090000\.sql$/);
    assert.equal(await latestBackup(dir), written.path);
    assert.deepEqual(written.summary.tables, before.counts);
    const text = await Deno.readTextFile(written.path);
    assert.match(text, /^-- rows: .*users=2/m);

    // Wipe: every table gone.
    const tables = Object.keys(before.counts).map((t) => `"${t}"`).join(", ");
    await db.exec(`DROP TABLE ${tables} CASCADE`);
    assert.deepEqual(await tableCounts(db), {});

    await restoreDatabase(db, parseBackup(text));
    assert.deepEqual(await tableCounts(db), before.counts);
    assert.deepEqual(await checksums(db), before.sums);
    const [next] = await db.query<{ id: number }>(
      `INSERT INTO conversation_history (user_id, assistant, role, content, status)
       VALUES (2, 'helper', 'user', 'новое', 'answered') RETURNING id`,
    );
    assert.equal(next!.id, 3, "the sequence continues after the restored rows");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("restoring over existing data replaces it whole", async () => {
  await using db = await freshDb();
  const dir = await Deno.makeTempDir({ prefix: "soulbot_backup_" });
  try {
    await seed(db);
    const sums = await checksums(db);
    const { path } = await writeBackup(db, await loadMigrations(), dir, NOW);
    await db.query("DELETE FROM users WHERE id = 2");
    await db.query("INSERT INTO users (id) VALUES (3)");
    await restoreDatabase(db, parseBackup(await Deno.readTextFile(path)));
    assert.deepEqual(await checksums(db), sums);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a cut or altered backup is refused before anything is touched", async () => {
  await using db = await freshDb();
  const dir = await Deno.makeTempDir({ prefix: "soulbot_backup_" });
  try {
    await seed(db);
    const { path } = await writeBackup(db, await loadMigrations(), dir, NOW);
    const text = await Deno.readTextFile(path);
    assert.throws(() => parseBackup(text.slice(0, Math.floor(text.length * 0.8))), BackupError);
    assert.throws(() => parseBackup(text.replace(/users=2/, "users=5")), /users: 2 rows/);
    assert.throws(() => parseBackup("SELECT 1;"), /not a SoulNear backup/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a backup whose row text was edited is refused, naming the table", async () => {
  await using db = await freshDb();
  const dir = await Deno.makeTempDir({ prefix: "soulbot_backup_" });
  try {
    await seed(db);
    const { path, summary } = await writeBackup(db, await loadMigrations(), dir, NOW);
    const text = await Deno.readTextFile(path);
    assert.equal(parseBackup(text).verified, true);
    assert.match(summary.checksums.conversation_history!, /^[0-9a-f]{64}$/);
    // Same rows, same counts — one message's words changed.
    const edited = text.replace('"content": "ответ"', '"content": "другой ответ"');
    assert.notEqual(edited, text);
    assert.throws(
      () => parseBackup(edited),
      /table conversation_history: its rows differ from what was backed up \(checksum mismatch\)/,
    );
    // Taking the checksums out does not get an edited file in either.
    const stripped = edited.replace(/^-- sha256: .*\n/m, "");
    assert.throws(() => parseBackup(stripped), /checksums are missing/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an old backup without checksums (format 1) still restores, unverified", async () => {
  await using db = await freshDb();
  const dir = await Deno.makeTempDir({ prefix: "soulbot_backup_" });
  try {
    await seed(db);
    const before = await checksums(db);
    const { path } = await writeBackup(db, await loadMigrations(), dir, NOW);
    const old = (await Deno.readTextFile(path)).replace("-- format: 2", "-- format: 1")
      .replace(/^-- sha256: .*\n/m, "");
    const parsed = parseBackup(old);
    assert.equal(parsed.verified, false);
    await restoreDatabase(db, parsed);
    assert.deepEqual(await checksums(db), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an empty database (no schema) is not backed up, and no file is left", async () => {
  await using db = await freshDb({ migrated: false });
  const dir = await Deno.makeTempDir({ prefix: "soulbot_backup_" });
  try {
    await assert.rejects(
      () => writeBackup(db, [], dir, NOW),
      /no schema_migrations table: nothing to back up/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "the backup restores with psql into an empty server database",
  ignore: !serverUrl(),
  async fn() {
    await using source = await freshDb();
    await using target = await freshDb({ migrated: false });
    const dir = await Deno.makeTempDir({ prefix: "soulbot_backup_" });
    try {
      await seed(source);
      const { path } = await writeBackup(source, await loadMigrations(), dir, NOW);
      const out = await new Deno.Command("psql", {
        args: ["-q", "-v", "ON_ERROR_STOP=1", "-d", target.url!, "-f", path],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.deepEqual(await checksums(target), await checksums(source));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
