// A plain-SQL backup of the whole database that needs no pg_dump and restores with
// `soulbot restore` or `psql -f` into an empty database:
//   a header (program, time, source, migrations, row counts per table), then in one transaction
//   the schema — the migration scripts that were applied, in order, and schema_migrations — then
//   the rows of every table (json_populate_recordset batches, parents before children), the
//   sequences, and a summary: the sha-256 of every table's rows as written in the file (format 2),
//   then an end marker. Read in one REPEATABLE READ snapshot, so counts and rows agree.
// Reading a backup checks counts and checksums, so a file whose rows were edited is refused,
// naming the table; a format-1 backup (before checksums) is read with counts only.

import { createHash } from "node:crypto";
import type { Db, Queryable } from "../db/db.ts";
import { type Migration, SCHEMA_MIGRATIONS_DDL } from "../db/migrate.ts";
import { VERSION } from "../version.ts";

export const MAGIC = "-- SoulNear backup";
export const END = "-- end of backup";
const BEGIN_LINE = "BEGIN; -- soulbot:begin";
const COMMIT_LINE = "COMMIT; -- soulbot:commit";
const BATCH = 500;
/** The summary line's key: `-- sha256: table=hex table=hex ...`. */
const SHA256 = "sha256";

export class BackupError extends Error {
  override name = "BackupError";
}

export interface DumpSummary {
  tables: Record<string, number>;
  migrations: number[];
  /** sha-256 (hex) of each table's data lines as written in the file. */
  checksums: Record<string, string>;
}

/** The format this program writes; format 1 (no checksums) is still read. */
const FORMAT = 2;

/** The sha-256 of a table's data lines (each INSERT line with its newline), in file order. */
function tableHash() {
  return createHash("sha256");
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
        `-- format: ${FORMAT}`,
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
    const checksums: Record<string, string> = {};
    for (const t of tables) {
      await write(`-- table ${t}: ${counts[t]} rows\n`);
      const hash = tableHash();
      // Keyset-free paging inside one snapshot: ORDER BY the row's text keeps it deterministic.
      for (let offset = 0; offset < counts[t]!; offset += BATCH) {
        const [batch] = await tx.query<{ rows: string }>(
          `SELECT coalesce(jsonb_agg(r)::text, '[]') AS rows FROM (
             SELECT * FROM ${ident(t)} x ORDER BY x::text LIMIT ${BATCH} OFFSET ${offset}) r`,
        );
        const line = `INSERT INTO ${ident(t)} SELECT * FROM json_populate_recordset(` +
          `NULL::${ident(t)}, ${literal(batch!.rows)});\n`;
        hash.update(line);
        await write(line);
      }
      checksums[t] = hash.digest("hex");
    }
    const setvals = sequences.filter((s) => s.seq).map((s) =>
      `SELECT setval(${literal(s.seq)}, coalesce((SELECT max(${ident(s.col)}) FROM ${
        ident(s.tbl)
      }), 1), (SELECT count(*) > 0 FROM ${ident(s.tbl)}));`
    );
    const sums = tables.map((t) => `${t}=${checksums[t]}`).join(" ");
    await write(`\n${setvals.join("\n")}\n${COMMIT_LINE}\n-- ${SHA256}: ${sums}\n${END}\n`);
    return { tables: counts, migrations: scripts.map((m) => m.version), checksums };
  });
}

export interface ParsedBackup {
  created: string;
  migrations: number[];
  tables: Record<string, number>;
  /** Whether every table's rows matched its checksum; false for a format-1 backup (none). */
  verified: boolean;
  /** The statements between BEGIN and COMMIT (schema, data, sequences). */
  body: string;
}

/**
 * Reads a backup and checks that it is whole and unchanged: the header, every table's section
 * with as many rows as the header says and (format 2) the checksum the summary gives, the commit
 * and the end marker.
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
  const format = Number(header("format") ?? 1);
  // The summary follows the transaction: no line of the schema or the rows can pose as it.
  const sums = format >= 2
    ? new RegExp(`^-- ${SHA256}: (.*)$`, "m").exec(text.slice(commit))?.[1]
    : undefined;
  if (format >= 2 && sums === undefined) {
    throw new BackupError("the backup's checksums are missing: it was damaged or edited");
  }
  const expected: Record<string, string> = {};
  for (const part of (sums ?? "").split(" ").filter(Boolean)) {
    const [name, sum] = part.split("=");
    expected[name!] = sum!;
  }
  // Count and hash the rows actually present, table by table.
  const found: Record<string, number> = {};
  const hashes: Record<string, ReturnType<typeof tableHash>> = {};
  let current: string | undefined;
  for (const line of body.split("\n")) {
    const section = /^-- table (\S+): (\d+) rows$/.exec(line);
    if (section) {
      current = section[1]!;
      found[current] = 0;
      hashes[current] = tableHash();
      continue;
    }
    if (current && line.startsWith("INSERT INTO ")) {
      hashes[current]!.update(`${line}\n`);
      const at = line.indexOf("NULL::");
      const json = line.slice(line.indexOf(", '", at) + 3, -3).replaceAll("''", "'");
      try {
        found[current]! += (JSON.parse(json) as unknown[]).length;
      } catch {
        throw new BackupError(`table ${current}: a row batch is damaged (not valid JSON)`);
      }
    }
  }
  for (const [t, n] of Object.entries(tables)) {
    if (found[t] === undefined) throw new BackupError(`table ${t} is missing from the backup`);
    if (found[t] !== n) throw new BackupError(`table ${t}: ${found[t]} rows, the header says ${n}`);
    if (sums === undefined) continue;
    if (expected[t] === undefined) throw new BackupError(`table ${t} has no checksum`);
    if (hashes[t]!.digest("hex") !== expected[t]) {
      throw new BackupError(
        `table ${t}: its rows differ from what was backed up (checksum mismatch): ` +
          "the file was edited or damaged",
      );
    }
  }
  const migrations = (header("migrations") ?? "").split(",").filter(Boolean).map(Number);
  return { created, migrations, tables, verified: sums !== undefined, body };
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

/**
 * Tables the program fills by itself, with or without a single user: the migrations' record, the
 * metrics' daily totals (flushed every minute) and the housekeeping jobs' leases. A database with
 * rows only there — what a fresh deploy has a minute after it starts — holds no one's data.
 */
export const BOOKKEEPING_TABLES: ReadonlySet<string> = new Set([
  "schema_migrations",
  "metric_day",
  "job_leases",
]);

/** The tables holding rows other than the program's own bookkeeping, with their counts. */
export function dataTables(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).filter(([t, n]) => n > 0 && !BOOKKEEPING_TABLES.has(t));
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
