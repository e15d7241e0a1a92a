// `soulbot restore FILE | --latest [--force]`: replaces the database's tables with a backup's, in
// one transaction, after checking the file is whole and its rows match their checksums. Over
// existing data it needs --force and first takes a safety backup (before_restore_*.sql, which
// --latest never picks).

import { openDatabase } from "../db/connect.ts";
import { describeError } from "../log.ts";
import { loadMigrations } from "../db/migrate.ts";
import { latestBackup, writeBackup } from "../ops/backup_files.ts";
import { dataTables, parseBackup, restoreDatabase, tableCounts } from "../ops/dump.ts";
import { UsageError } from "../errors.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_FAILURE, EXIT_OK } from "./command.ts";
import { loadCliConfig } from "./setup.ts";
import { DB_WAIT_MS } from "./backup.ts";

const help = `Usage: soulbot restore FILE [--force]
       soulbot restore --latest [--force]

Restores a backup made by \`soulbot backup\`: checks that the file is whole and unchanged
(header, every table's rows and their sha-256 checksum, end marker), then replaces every table
in one transaction and checks the row counts. A backup made before checksums existed is
restored with a warning. Stop the bot first (make restore does).

Options:
  --latest   the newest backups/backup_*.sql in BACKUP_DIR
  --force    replace a database that holds data; a safety backup
             (BACKUP_DIR/before_restore_*.sql) is taken first. Rows only in
             schema_migrations, metric_day and job_leases (what the bot and
             api write by themselves after a fresh deploy) are not data.

Examples:
  soulbot restore --latest
  ENV=prod soulbot restore backups/backup_20261124_120000.sql --force

Exit codes: 0 restored, 1 failure (nothing changed), 2 usage error.`;

export const command: Command = {
  name: "restore",
  summary: "restore a backup (FILE or --latest; --force over existing data)",
  help,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("restore", args, {
      latest: { type: "boolean" },
      force: { type: "boolean" },
    }, true);
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    if ((positionals.length === 1) === !!values.latest || positionals.length > 1) {
      throw new UsageError(
        "soulbot restore: give one FILE or --latest. See soulbot restore --help",
      );
    }
    const { config, log } = await loadCliConfig(io);
    const file = values.latest ? await latestBackup(config.backupDir) : positionals[0]!;
    if (!file) {
      io.err(`❌ No backups in ${config.backupDir} (make one with: soulbot backup)`);
      return EXIT_FAILURE;
    }
    let backup;
    try {
      backup = parseBackup(await Deno.readTextFile(file));
    } catch (err) {
      io.err(`❌ Cannot restore ${file}: ${describeError(err)}`);
      return EXIT_FAILURE;
    }
    if (!backup.verified) {
      io.err(
        `⚠️ ${file} was made before backups carried checksums: only its row counts can be ` +
          "checked, not that the rows are the ones backed up.",
      );
    }
    let db;
    try {
      db = await openDatabase(config.database, { log, deadlineMs: DB_WAIT_MS });
    } catch (err) {
      io.err(`❌ Restore failed: the database is unreachable (${describeError(err)})`);
      return EXIT_FAILURE;
    }
    try {
      // The program's own bookkeeping (migrations, metrics, leases) is nobody's data.
      const filled = dataTables(await tableCounts(db));
      if (filled.length && !values.force) {
        io.err(
          `❌ The database holds data (${
            filled.map(([t, n]) => `${t}: ${n}`).join(", ")
          }). Add --force to replace it; a safety backup is taken first.`,
        );
        return EXIT_FAILURE;
      }
      if (filled.length) {
        const safety = await writeBackup(
          db,
          await loadMigrations(),
          config.backupDir,
          new Date(),
          "before_restore",
        );
        io.out(`✅ Safety backup of the current data: ${safety.path}`);
      }
      await restoreDatabase(db, backup);
      const rows = Object.values(backup.tables).reduce((a, b) => a + b, 0);
      io.out(
        `✅ Restored ${file} (made ${backup.created}): ${
          Object.keys(backup.tables).length
        } tables, ${rows} rows`,
      );
      return EXIT_OK;
    } catch (err) {
      io.err(`❌ Restore failed, nothing was changed: ${describeError(err)}`);
      return EXIT_FAILURE;
    } finally {
      await db.close().catch(() => {});
    }
  },
};
