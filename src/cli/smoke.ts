// `soulbot smoke` (what `pytest tests/smoke_tests.py` was): one ✅/❌ line per check, exit 1 on
// any ❌ — config valid; database reachable; migrations current; aiogram_states and
// schema_migrations exist; OpenAI answers; Telegram getMe; the critical handlers work in-process.

import { describeError } from "../log.ts";
import { Api } from "grammy";
import { openDatabase } from "../db/connect.ts";
import type { Db } from "../db/db.ts";
import { loadMigrations, migrationStatus } from "../db/migrate.ts";
import { pingOpenAi } from "../llm/openai.ts";
import { loadQuizBanks } from "../quiz/content.ts";
import { smokeHandlers } from "../ops/smoke_handlers.ts";
import { readEnvironment } from "../env_file.ts";
import { loadConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_FAILURE, EXIT_OK } from "./command.ts";
import { DB_WAIT_MS } from "./backup.ts";

const help = `Usage: soulbot smoke

Post-deploy checks, one line each (✅ or ❌), exit code 1 if any fails:
  config valid · database reachable · migrations current · aiogram_states and
  schema_migrations exist · OpenAI answers (a models list, 10 s limit) · Telegram getMe ·
  critical handlers (/start, /menu, /helper, /settings replayed in-process on a throwaway
  in-memory database with Telegram and OpenAI stood in; production data is never touched)

Examples:
  soulbot smoke
  ENV=prod soulbot smoke
  docker exec soulnear_bot soulbot smoke

Exit codes: 0 all green, 1 a check failed, 2 usage error.`;

const TIMEOUT_MS = 10_000;

function short(err: unknown): string {
  return describeError(err).split("\n")[0]!.slice(0, 300);
}

export const command: Command = {
  name: "smoke",
  summary: "post-deploy checks: config, database, migrations, OpenAI, Telegram, handlers",
  help,
  async run(args, io) {
    const { values } = parseCommandArgs("smoke", args, {});
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    let failed = 0;
    const line = (ok: boolean, text: string) => {
      if (!ok) failed++;
      io.out(`${ok ? "✅" : "❌"} ${text}`);
    };
    let config;
    try {
      const { values: env, files } = await readEnvironment(io.env, io.cwd);
      config = loadConfig(env, { require: ["BOT_TOKEN", "OPENAI_API_KEY"], cwd: io.cwd });
      line(true, `Config valid (ENV=${config.env}; ${files.join(", ") || "no env file"})`);
    } catch (err) {
      line(false, `Config: ${short(err)}`);
      return EXIT_FAILURE;
    }
    const log = createLogger({ level: "error", format: config.log.format });

    let db: Db | undefined;
    try {
      db = await openDatabase(config.database, { log, deadlineMs: DB_WAIT_MS });
      await db.query("SELECT 1");
      line(true, `Database reachable: ${db.description}`);
    } catch (err) {
      line(false, `Database unreachable: ${short(err)}`);
    }
    if (db) {
      try {
        const states = await migrationStatus(db, await loadMigrations());
        const behind = states.filter((s) => s.state !== "applied");
        line(
          !behind.length,
          behind.length
            ? `Migrations not current: ${behind.map((s) => `${s.version} ${s.state}`).join(", ")}`
            : `Migrations current: ${states.length} applied`,
        );
        const [t] = await db.query<{ states: boolean; migrations: boolean }>(
          `SELECT to_regclass('aiogram_states') IS NOT NULL AS states,
                  to_regclass('schema_migrations') IS NOT NULL AS migrations`,
        );
        line(
          !!t?.states && !!t.migrations,
          `Tables aiogram_states: ${t?.states ? "ok" : "missing"}, schema_migrations: ${
            t?.migrations ? "ok" : "missing"
          }`,
        );
      } catch (err) {
        line(false, `Migrations: ${short(err)}`);
      } finally {
        await db.close().catch(() => {});
      }
    } else {
      line(false, "Migrations: not checked (no database)");
      line(false, "Tables aiogram_states, schema_migrations: not checked (no database)");
    }

    try {
      await pingOpenAi({
        apiKey: config.openai.apiKey,
        baseUrl: config.openai.baseUrl,
        timeoutMs: TIMEOUT_MS,
      });
      line(true, `OpenAI reachable (${config.openai.baseUrl ?? "api.openai.com"})`);
    } catch (err) {
      line(false, `OpenAI unreachable: ${short(err)}`);
    }

    try {
      const api = new Api(config.botToken, { apiRoot: config.telegramApiRoot });
      const me = await api.getMe(AbortSignal.timeout(TIMEOUT_MS) as never);
      line(true, `Telegram getMe: @${me.username}`);
    } catch (err) {
      line(false, `Telegram getMe failed: ${short(err).replaceAll(config.botToken, "<token>")}`);
    }

    try {
      const r = await smokeHandlers(await loadQuizBanks());
      line(r.ok, r.ok ? `Critical handlers work (${r.detail})` : `Handlers: ${r.detail}`);
    } catch (err) {
      line(false, `Handlers: ${short(err)}`);
    }
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
};
