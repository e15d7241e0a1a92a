// Backup files in BACKUP_DIR: backup_YYYYMMDD_HHMMSS.sql (UTC), written to a temporary file and
// renamed only once complete and verified; a failed or empty dump leaves no file behind.

import type { Db } from "../db/db.ts";
import type { Migration } from "../db/migrate.ts";
import { BackupError, dumpDatabase, type DumpSummary, parseBackup } from "./dump.ts";

export const BACKUP_RE = /^backup_\d{8}_\d{6}(_\d+)?\.sql$/;

export function backupName(now: Date, prefix = "backup"): string {
  const s = now.toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 15);
  return `${prefix}_${s}.sql`;
}

export interface Written {
  path: string;
  bytes: number;
  summary: DumpSummary;
}

export async function writeBackup(
  db: Db,
  migrations: Migration[],
  dir: string,
  now: Date,
  prefix = "backup",
): Promise<Written> {
  await Deno.mkdir(dir, { recursive: true });
  let path = `${dir}/${backupName(now, prefix)}`;
  for (let i = 2; await exists(path); i++) {
    path = `${dir}/${backupName(now, prefix)}`.replace(/\.sql$/, `_${i}.sql`);
  }
  const tmp = `${path}.partial`;
  const file = await Deno.open(tmp, { write: true, createNew: true });
  const encoder = new TextEncoder();
  try {
    let summary: DumpSummary;
    try {
      summary = await dumpDatabase({
        db,
        migrations,
        now,
        write: async (text) => {
          const bytes = encoder.encode(text);
          for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
        },
      });
      await file.sync();
    } finally {
      file.close();
    }
    // Verified from the file itself: every table present with the rows the header promises.
    const parsed = parseBackup(await Deno.readTextFile(tmp));
    for (const [t, n] of Object.entries(summary.tables)) {
      if (parsed.tables[t] !== n) throw new BackupError(`table ${t} did not reach the file whole`);
    }
    await Deno.rename(tmp, path);
    return { path, bytes: (await Deno.stat(path)).size, summary };
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/** The newest backup_*.sql in the directory (safety backups before a restore are not counted). */
export async function latestBackup(dir: string): Promise<string | undefined> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && BACKUP_RE.test(e.name)) names.push(e.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  names.sort();
  return names.length ? `${dir}/${names.at(-1)}` : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
