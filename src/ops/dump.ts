// A plain-SQL backup of the whole database that needs no pg_dump and restores with
// `soulbot restore` or `psql -f` into an empty database:
//   a header (program, time, source, migrations, row counts per table), then in one transaction
//   the schema — the migration scripts that were applied, in order, and schema_migrations — then
//   the rows of every table (json_populate_recordset batches, parents before children), the
//   sequences, and an end marker. Read in one REPEATABLE READ snapshot, so counts and rows agree.

import type { Db, Queryable } from "../db/db.ts";
import { type Migration, SCHEMA_MIGRATIONS_DDL } from "../db/migrate.ts";
import { VERSION } from "../version.ts";

export const MAGIC = "-- SoulNear backup";
export const END = "-- end of backup";
const BEGIN_LINE = "BEGIN; -- soulbot:begin";
const COMMIT_LINE = "COMMIT; -- soulbot:commit";
const BATCH = 500;

export class BackupError extends Error {
  override name = "BackupError";
}

export interface DumpSummary {
  tables: Record<string, number>;
  migrations: number[];
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Public tables, parents before children (by foreign keys). */
async function tablesInOrder(db: Queryable): Promise<string[]> {
  const tables = (await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )).map((r) => r.name);
  const edges = await db.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'f' AND n.nspname = 'public' AND c.relname <> p.relname`,
  );
  const ordered: string[] = [];
  const visit = (t: string, path: Set<string>) => {
    if (ordered.includes(t) || path.has(t)) return;
    path.add(t);
    for (const e of edges) if (e.child === t) visit(e.parent, path);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

export interface DumpInput {
  db: Db;
  /** The program's migrations (their scripts rebuild the schema). */
  migrations: Migration[];
  write: (text: string) => Promise<void>;
  now: Date;
}

/** Writes the whole backup through `write`; returns what it contains. */
export async function dumpDatabase(input: DumpInput): Promise<DumpSummary> {
  const { db, write } = input;
  return await db.transaction(async (tx) => {
    await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const tables = await tablesInOrder(tx);
    if (!tables.includes("schema_migrations")) {
      throw new BackupError(
        "the database has no schema_migrations table: nothing to back up (run soulbot migrate?)",
      );
    }
    const applied = await tx.query<{ version: number; checksum: string }>(
      "SELECT version, checksum FROM schema_migrations ORDER BY version",
    );
    const scripts = applied.map(({ version, checksum }) => {
      const m = input.migrations.find((x) => x.version === version);
      if (!m) throw new BackupError(`applied migration ${version} has no file in this program`);
      if (m.checksum !== checksum) {
        throw new BackupError(`migration ${m.file} differs from the one the database applied`);
      }
      return m;
    });
    const counts: Record<string, number> = {};
    for (const t of tables) {
      const [row] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(t)}`);
      counts[t] = row!.n;
    }
    const sequences = await tx.query<{ seq: string; tbl: string; col: string }>(
      `SELECT pg_get_serial_sequence(quote_ident(table_name), column_name) AS seq,
              table_name AS tbl, column_name AS col
       FROM information_schema.columns
       WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`,
    );

    await write(
      [
        MAGIC,
        "-- format: 1",
        `-- program: soulbot ${VERSION}`,
        `-- created: ${input.now.toISOString()}`,
        `-- source: ${db.description}`,
        `-- migrations: ${scripts.map((m) => m.version).join(",")}`,
        `-- rows: ${tables.map((t) => `${t}=${counts[t]}`).join(" ")}`,
        "-- Restore: soulbot restore FILE (--force over existing data), or into an empty database:",
        "--   psql -v ON_ERROR_STOP=1 -d DBNAME -f FILE",
        "SET client_encoding = 'UTF8';",
        "SET standard_conforming_strings = on;",
        BEGIN_LINE,
        "",
        "-- soulbot:schema",
        ...scripts.map((m) => `-- migration ${m.file}\n${m.sql.trim()}\n`),
        `${SCHEMA_MIGRATIONS_DDL};`,
        "",
        "-- soulbot:data",
        "",
      ].join("\n"),
    );
    for (const t of tables) {
      await write(`-- table ${t}: ${counts[t]} rows\n`);
      // Keyset-free paging inside one snapshot: ORDER BY the row's text keeps it deterministic.
      for (let offset = 0; offset < counts[t]!; offset += BATCH) {
        const [batch] = await tx.query<{ rows: string }>(
          `SELECT coalesce(jsonb_agg(r)::text, '[]') AS rows FROM (
             SELECT * FROM ${ident(t)} x ORDER BY x::text LIMIT ${BATCH} OFFSET ${offset}) r`,
        );
        await write(
          `INSERT INTO ${ident(t)} SELECT * FROM json_populate_recordset(NULL::${ident(t)}, ` +
            `${literal(batch!.rows)});\n`,
        );
      }
    }
    const setvals = sequences.filter((s) => s.seq).map((s) =>
      `SELECT setval(${literal(s.seq)}, coalesce((SELECT max(${ident(s.col)}) FROM ${
        ident(s.tbl)
      }), 1), (SELECT count(*) > 0 FROM ${ident(s.tbl)}));`
    );
    await write(`\n${setvals.join("\n")}\n${COMMIT_LINE}\n${END}\n`);
    return { tables: counts, migrations: scripts.map((m) => m.version) };
  });
}

export interface ParsedBackup {
  created: string;
  migrations: number[];
  tables: Record<string, number>;
  /** The statements between BEGIN and COMMIT (schema, data, sequences). */
  body: string;
}

/**
 * Reads a backup and checks that it is whole: the header, every table's section with as many
 * rows as the header says, the commit and the end marker.
 */
export function parseBackup(text: string): ParsedBackup {
  if (!text.startsWith(MAGIC)) throw new BackupError("not a SoulNear backup (no header)");
  if (!text.trimEnd().endsWith(END)) {
    throw new BackupError("the backup is incomplete (no end marker): it was cut short");
  }
  const header = (key: string) => new RegExp(`^-- ${key}: (.*)$`, "m").exec(text)?.[1];
  const rowsLine = header("rows");
  const created = header("created");
  if (rowsLine === undefined || !created) throw new BackupError("the backup header is damaged");
  const tables: Record<string, number> = {};
  for (const part of rowsLine.split(" ").filter(Boolean)) {
    const [name, n] = part.split("=");
    tables[name!] = Number(n);
  }
  const begin = text.indexOf(`\n${BEGIN_LINE}\n`);
  const commit = text.lastIndexOf(`\n${COMMIT_LINE}\n`);
  if (begin < 0 || commit < begin) throw new BackupError("the backup has no complete transaction");
  const body = text.slice(begin + BEGIN_LINE.length + 2, commit + 1);
  // Count the rows actually present, table by table.
  const found: Record<string, number> = {};
  let current: string | undefined;
  for (const line of body.split("\n")) {
    const section = /^-- table (\S+): (\d+) rows$/.exec(line);
    if (section) {
      current = section[1]!;
      found[current] = 0;
      continue;
    }
    if (current && line.startsWith("INSERT INTO ")) {
      const at = line.indexOf("NULL::");
      const json = line.slice(line.indexOf(", '", at) + 3, -3).replaceAll("''", "'");
      found[current]! += (JSON.parse(json) as unknown[]).length;
    }
  }
  for (const [t, n] of Object.entries(tables)) {
    if (found[t] === undefined) throw new BackupError(`table ${t} is missing from the backup`);
    if (found[t] !== n) throw new BackupError(`table ${t}: ${found[t]} rows, the header says ${n}`);
  }
  const migrations = (header("migrations") ?? "").split(",").filter(Boolean).map(Number);
  return { created, migrations, tables, body };
}

/** Row counts of every public table (restore's check, and tests). */
export async function tableCounts(db: Queryable): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await tablesInOrder(db)) {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(t)}`);
    out[t] = row!.n;
  }
  return out;
}

/** Whether any public table holds a row. */
export async function hasData(db: Queryable): Promise<boolean> {
  const counts = await tableCounts(db);
  return Object.values(counts).some((n) => n > 0);
}

/** Replaces the whole public schema's tables with the backup's, in one transaction. */
export async function restoreDatabase(db: Db, backup: ParsedBackup): Promise<void> {
  await db.transaction(async (tx) => {
    const tables = await tablesInOrder(tx);
    if (tables.length) await tx.exec(`DROP TABLE ${tables.map(ident).join(", ")} CASCADE`);
    await tx.exec(backup.body);
    const counts = await tableCounts(tx);
    for (const [t, n] of Object.entries(backup.tables)) {
      if (counts[t] !== n) {
        throw new BackupError(`after restoring, ${t} has ${counts[t]} rows instead of ${n}`);
      }
    }
  });
}
