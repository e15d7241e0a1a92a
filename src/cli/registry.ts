// Every subcommand with a one-line summary, loaded on demand so that `check-config` does not
// load grammY and `--help` loads nothing.

import type { Command } from "./command.ts";

export interface Entry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: readonly Entry[] = [
  {
    name: "bot",
    summary: "run the Telegram bot (long polling; --receive-only: store, answer none)",
    load: async () => (await import("./bot.ts")).command,
  },
  {
    name: "worker",
    summary: "work the inbox only (receives nothing): any number, on any machines",
    load: async () => (await import("./worker.ts")).command,
  },
  {
    name: "api",
    summary: "HTTP service: health, YooKassa notifications, Telegram's webhook",
    load: async () => (await import("./api.ts")).command,
  },
  {
    name: "webhook",
    summary: "set, delete or show Telegram's webhook (the api receives; workers answer)",
    load: async () => (await import("./webhook.ts")).command,
  },
  {
    name: "migrate",
    summary: "apply pending database migrations; --status lists them",
    load: async () => (await import("./migrate.ts")).command,
  },
  {
    name: "smoke",
    summary: "post-deploy checks: config, database, migrations, OpenAI, Telegram, handlers",
    load: async () => (await import("./smoke.ts")).command,
  },
  {
    name: "backup",
    summary: "write backups/backup_YYYYMMDD_HHMMSS.sql (plain SQL, verified)",
    load: async () => (await import("./backup.ts")).command,
  },
  {
    name: "restore",
    summary: "restore a backup (FILE or --latest; --force over existing data)",
    load: async () => (await import("./restore.ts")).command,
  },
  {
    name: "check-config",
    summary: "validate the environment and print a redacted summary",
    load: async () => (await import("./check_config.ts")).command,
  },
  {
    name: "safety-check",
    summary: "crisis triage of JSON lines on stdin (--offline: the analyser alone)",
    load: async () => (await import("./safety_check.ts")).command,
  },
  {
    name: "stats",
    summary: "technical and product metrics report (--days N, --json)",
    load: async () => (await import("./stats.ts")).command,
  },
];

export const PROGRAM_HELP = `soulbot — SoulNear, a Telegram companion for self-reflection

Usage:
  soulbot <command> [options]
  soulbot <command> --help

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(14)}${c.summary}`).join("\n")}

Environment:
  ENV=prod|test selects .env.prod or .env.test (ENV unset: .env); variables set in the real
  environment win over the file. Without DATABASE_URL or POSTGRES_HOST the data lives in an
  embedded database under DATA_DIR (default ./data/<ENV or local>).

Examples:
  soulbot check-config                 validate .env and show what is set
  ENV=test soulbot bot                 run the test bot beside the production one
  soulbot bot --receive-only           poll into the inbox; \`soulbot worker\` processes answer
  soulbot migrate --status             list applied and pending migrations

Exit codes: 0 ok, 1 failure, 2 usage error.`;
