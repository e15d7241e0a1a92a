// Forward-only SQL migrations: numbered files in migrations/, each applied in its own
// transaction under an advisory lock (so two processes migrating at once are safe) and recorded
// in schema_migrations with a checksum, so a landed file that was edited later is refused.

import type { Db, Queryable } from "./db.ts";
import { MigrationError } from "../errors.ts";
import type { Logger } from "../log.ts";

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export interface MigrationState {
  migration?: Migration;
  version: number;
  name: string;
  appliedAt?: Date;
  state: "applied" | "pending" | "changed" | "missing-file";
}

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const LOCK_KEY = 7_370_625_013; // any constant shared by every soulbot process

/** The migrator's own table (backups recreate it the same way). */
export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version     integer PRIMARY KEY,
  name        text NOT NULL,
  checksum    text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now(),
  duration_ms integer
)`;

export function defaultMigrationsDir(): URL {
  return new URL("../../migrations/", import.meta.url);
}

export async function loadMigrations(dir: URL | string = defaultMigrationsDir()): Promise<
  Migration[]
> {
  const base = typeof dir === "string" ? dir.replace(/\/?$/, "/") : dir.href.replace(/\/?$/, "/");
  const list: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".sql")) continue;
    const m = FILE_RE.exec(entry.name);
    if (!m) {
      throw new MigrationError(
        `Migration file name ${entry.name} is not of the form NNNN_name.sql (e.g. 0002_quiz.sql)`,
      );
    }
    const sql = await Deno.readTextFile(
      base.startsWith("file:") ? new URL(entry.name, base) : base + entry.name,
    );
    list.push({
      version: Number(m[1]),
      name: m[2]!,
      file: entry.name,
      sql,
      checksum: await sha256(sql),
    });
  }
  list.sort((a, b) => a.version - b.version);
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.version === list[i - 1]!.version) {
      throw new MigrationError(
        `Two migrations share version ${list[i]!.version}: ${list[i - 1]!.file} and ${
          list[i]!.file
        }`,
      );
    }
  }
  return list;
}

/** Applies every pending migration in order; returns those it applied. */
export async function migrate(db: Db, migrations: Migration[], log?: Logger): Promise<Migration[]> {
  const applied: Migration[] = [];
  // The table exists once the first transaction committed: later ones only take the lock.
  for (let first = true;; first = false) {
    const next = await db.transaction(async (tx) => {
      await lock(tx);
      if (first) await tx.exec(SCHEMA_MIGRATIONS_DDL);
      const states = compare(migrations, await appliedRows(tx));
      refuseChanged(states);
      const pending = states.find((s) => s.state === "pending")?.migration;
      if (!pending) return undefined;
      const started = performance.now();
      try {
        await tx.exec(pending.sql);
      } catch (err) {
        throw new MigrationError(`Migration ${pending.file} failed; nothing of it was applied`, {
          cause: err,
        });
      }
      await tx.query(
        "INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)",
        [pending.version, pending.name, pending.checksum, Math.round(performance.now() - started)],
      );
      return pending;
    });
    if (!next) return applied;
    log?.info(`Applied migration ${next.file}`, { version: next.version });
    applied.push(next);
  }
}

/** Every migration known from files or the table, with its state. Changes nothing. */
export async function migrationStatus(db: Db, migrations: Migration[]): Promise<MigrationState[]> {
  const [table] = await db.query<{ exists: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists",
  );
  return compare(migrations, table?.exists ? await appliedRows(db) : []);
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

function lock(tx: Queryable): Promise<unknown> {
  return tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
}

function appliedRows(tx: Queryable): Promise<AppliedRow[]> {
  return tx.query<AppliedRow>(
    "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version",
  );
}

function compare(migrations: Migration[], rows: AppliedRow[]): MigrationState[] {
  const byVersion = new Map(rows.map((r) => [r.version, r]));
  const states: MigrationState[] = migrations.map((m) => {
    const row = byVersion.get(m.version);
    if (!row) return { migration: m, version: m.version, name: m.name, state: "pending" };
    const state = row.checksum === m.checksum ? "applied" : "changed";
    return { migration: m, version: m.version, name: m.name, appliedAt: row.applied_at, state };
  });
  const known = new Set(migrations.map((m) => m.version));
  for (const row of rows) {
    if (!known.has(row.version)) {
      states.push({
        version: row.version,
        name: row.name,
        appliedAt: row.applied_at,
        state: "missing-file",
      });
    }
  }
  return states.sort((a, b) => a.version - b.version);
}

function refuseChanged(states: MigrationState[]): void {
  const changed = states.filter((s) => s.state === "changed");
  if (changed.length === 0) return;
  throw new MigrationError(
    `Migration ${changed.map((s) => s.migration!.file).join(", ")} was changed after it was ` +
      "applied. Landed migrations are never edited: restore the file and add a new migration.",
  );
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
