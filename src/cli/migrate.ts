// `soulbot migrate`: applies pending migrations (safe to run from two processes at once);
// `--status` lists every migration with its state and when it was applied.

import { openDatabase } from "../db/connect.ts";
import { loadMigrations, migrate, migrationStatus } from "../db/migrate.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_FAILURE, EXIT_OK } from "./command.ts";
import { loadCliConfig } from "./setup.ts";

const help = `Usage: soulbot migrate [--status]

Applies the pending SQL migrations in migrations/ in order, each in its own transaction, and
records them in schema_migrations. Running it again applies nothing. A migration that was
edited after it was applied is refused.

Options:
  --status    list applied and pending migrations, change nothing

Examples:
  soulbot migrate
  ENV=prod soulbot migrate --status

Exit codes: 0 ok, 1 failure (database unreachable, migration failed or changed), 2 usage error.`;

export const command: Command = {
  name: "migrate",
  summary: "apply pending migrations",
  help,
  async run(args, io) {
    const { values } = parseCommandArgs("migrate", args, { status: { type: "boolean" } });
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    const { config, log } = await loadCliConfig(io);
    const migrations = await loadMigrations();
    const db = await openDatabase(config.database, { log });
    try {
      if (values.status) {
        const states = await migrationStatus(db, migrations);
        io.out(`Migrations in ${db.description}:`);
        for (const s of states) {
          const when = s.appliedAt ? s.appliedAt.toISOString() : "";
          io.out(
            `  ${String(s.version).padStart(4, "0")}_${s.name}  ${s.state.padEnd(12)} ${when}`
              .trimEnd(),
          );
        }
        const bad = states.some((s) => s.state === "changed");
        return bad ? EXIT_FAILURE : EXIT_OK;
      }
      const applied = await migrate(db, migrations, log);
      io.out(
        applied.length
          ? `Applied ${applied.length} migration(s): ${applied.map((m) => m.file).join(", ")}`
          : `Nothing to apply: all ${migrations.length} migration(s) are applied`,
      );
      return EXIT_OK;
    } finally {
      await db.close();
    }
  },
};
