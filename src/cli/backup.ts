// `soulbot backup`: the whole database to BACKUP_DIR/backup_YYYYMMDD_HHMMSS.sql (plain SQL,
// restorable by `soulbot restore` and by psql), written to a temporary file and renamed only
// when complete and verified. A failed or empty dump is an error and leaves no file.

import { openDatabase } from "../db/connect.ts";
import { describeError } from "../log.ts";
import { loadMigrations } from "../db/migrate.ts";
import { writeBackup } from "../ops/backup_files.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_FAILURE, EXIT_OK } from "./command.ts";
import { loadCliConfig } from "./setup.ts";

const help = `Usage: soulbot backup [--dir DIR]

Writes the whole database (schema, every table's rows, sequences) to
DIR/backup_YYYYMMDD_HHMMSS.sql (UTC time; DIR defaults to BACKUP_DIR, ./backups). The file is
plain SQL: restore it with \`soulbot restore FILE\`, or with psql into an empty database. Works
on PostgreSQL and on the embedded database; pg_dump is not needed.

Options:
  --dir DIR   where to write (default: BACKUP_DIR)

Examples:
  soulbot backup
  ENV=prod soulbot backup --dir /srv/backups

Exit codes: 0 saved and verified, 1 failure (nothing saved), 2 usage error.`;

/** How long backup and restore wait for a database server that does not answer. */
export const DB_WAIT_MS = 10_000;

export const command: Command = {
  name: "backup",
  summary: "write backups/backup_YYYYMMDD_HHMMSS.sql (plain SQL, verified)",
  help,
  async run(args, io) {
    const { values } = parseCommandArgs("backup", args, { dir: { type: "string" } });
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    const { config, log } = await loadCliConfig(io);
    const dir = values.dir ?? config.backupDir;
    let db;
    try {
      db = await openDatabase(config.database, { log, deadlineMs: DB_WAIT_MS });
    } catch (err) {
      io.err(
        `❌ Backup failed: the database is unreachable (${describeError(err)}). ` +
          "Nothing was saved.",
      );
      return EXIT_FAILURE;
    }
    try {
      const { path, bytes, summary } = await writeBackup(
        db,
        await loadMigrations(),
        dir,
        new Date(),
      );
      const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
      io.out(
        `✅ Backup saved: ${path} (${Object.keys(summary.tables).length} tables, ${rows} ` +
          `rows, ${(bytes / 1024).toFixed(1)} KiB, migrations up to ${summary.migrations.at(-1)})`,
      );
      return EXIT_OK;
    } catch (err) {
      io.err(`❌ Backup failed: ${describeError(err)}. Nothing was saved.`);
      return EXIT_FAILURE;
    } finally {
      await db.close().catch(() => {});
    }
  },
};
