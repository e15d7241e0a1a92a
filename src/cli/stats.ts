// `soulbot stats`: the product and technical figures of the last N days from the database —
// readable text, or JSON with --json (the same document as the api's GET /stats).

import { openDatabase } from "../db/connect.ts";
import { describeError } from "../log.ts";
import { loadMigrations, migrationStatus } from "../db/migrate.ts";
import { UsageError } from "../errors.ts";
import { buildReport, renderReport } from "../stats/report.ts";
import { parseCommandArgs } from "./args.ts";
import { DB_WAIT_MS } from "./backup.ts";
import { type Command, EXIT_FAILURE, EXIT_OK } from "./command.ts";
import { loadCliConfig } from "./setup.ts";

const help = `Usage: soulbot stats [--days N] [--until YYYY-MM-DD] [--json]

Reports the last N days (Moscow dates, today included) from the database:
  product    new and active users, D1/D7/D30 retention by registration day, sessions (30
             minutes without activity end one), quiz completion per category, feature usage
             and OpenAI cost per day and per active user
  technical  answer time per assistant (avg/p50/p95/p99, first text and complete), update
             handling time by type, database statements per second, warnings and errors by
             kind, Telegram calls and 429s, OpenAI calls, tokens and cost by model (the bot and
             the api save what they count every minute)

Options:
  --days N             how many days (1 to 366, default 7)
  --until YYYY-MM-DD   the last day of the report (default: today)
  --json               one JSON document instead of text

Examples:
  soulbot stats
  ENV=prod soulbot stats --days 30 --json

Exit codes: 0 ok, 1 failure (database unreachable or not migrated), 2 usage error.`;

export function parseDays(raw: string | undefined): number {
  if (raw === undefined) return 7;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 366)) {
    throw new UsageError(`soulbot stats: --days must be a whole number from 1 to 366, not ${raw}`);
  }
  return n;
}

export function parseUntil(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(raw) &&
    new Date(`${raw}T00:00:00Z`).toISOString().startsWith(raw);
  if (!ok) {
    throw new UsageError(`soulbot stats: --until must be a date like 2026-11-24, not ${raw}`);
  }
  return raw;
}

export const command: Command = {
  name: "stats",
  summary: "technical and product metrics report (--days N, --json)",
  help,
  async run(args, io) {
    const { values } = parseCommandArgs("stats", args, {
      days: { type: "string" },
      until: { type: "string" },
      json: { type: "boolean" },
    });
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    const days = parseDays(values.days);
    const until = parseUntil(values.until);
    const { config, log } = await loadCliConfig(io);
    let db;
    try {
      db = await openDatabase(config.database, { log, deadlineMs: DB_WAIT_MS });
    } catch (err) {
      io.err(`❌ The database is unreachable: ${describeError(err)}`);
      return EXIT_FAILURE;
    }
    try {
      const behind = (await migrationStatus(db, await loadMigrations()))
        .filter((m) => m.state !== "applied");
      if (behind.length) {
        io.err(
          `❌ ${behind.length} migration(s) not applied: run \`soulbot migrate\` (or start the ` +
            "bot, which applies them) first",
        );
        return EXIT_FAILURE;
      }
      const report = await buildReport(db, { days, until, now: new Date() });
      io.out(values.json ? JSON.stringify(report, null, 2) : renderReport(report));
      return EXIT_OK;
    } finally {
      await db.close().catch(() => {});
    }
  },
};
