// The real `soulbot` program as a black box: help texts, exit codes, usage errors, check-config
// (problems listed at once, secrets never shown), env files per ENV, and `migrate`.

import assert from "node:assert/strict";
import postgres from "postgres";
import { type RunResult, runSoulbot } from "../harness/cli.ts";
import { processDb, serverUrl } from "../harness/db.ts";

const SUBCOMMANDS = [
  "bot",
  "worker",
  "api",
  "webhook",
  "migrate",
  "smoke",
  "backup",
  "restore",
  "check-config",
  "stats",
];

const BOT_TOKEN = "123456:SECRETbottokenVALUE_abcdefghijklmnop";
const OPENAI_API_KEY = "sk-SECRETopenaiKEY123";
const SECRETS = {
  BOT_TOKEN,
  OPENAI_API_KEY,
  DB_PASSWORD: "SECRETdbpass",
  POSTGRES_PASSWORD: "SECRETpgpass",
  YOOKASSA_SECRET_KEY: "live_SECRETyookassaKEY",
};
const VALID = { BOT_TOKEN, OPENAI_API_KEY };

/** An empty working directory, so no env file of the checkout is read. */
async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "soulbot_cli_test_" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

function show(r: RunResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

Deno.test("cli: --help lists every subcommand; no arguments prints help and exits 2", async () => {
  const [help, short, word, none] = await Promise.all([
    runSoulbot(["--help"]),
    runSoulbot(["-h"]),
    runSoulbot(["help"]),
    runSoulbot([]),
  ]);
  for (const r of [help, short, word]) {
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /Usage:\n {2}soulbot <command> \[options\]/);
    for (const name of SUBCOMMANDS) {
      assert.match(r.stdout, new RegExp(`^ {2}${name} +\\S`, "m"), `${name} listed\n${r.stdout}`);
    }
    assert.equal(r.stderr, "");
  }
  assert.equal(none.code, 2, show(none));
  assert.equal(none.stdout, help.stdout);
});

Deno.test("cli: every subcommand's --help prints its usage (and examples) and exits 0", async () => {
  const results = await Promise.all(
    SUBCOMMANDS.flatMap((name) => [runSoulbot([name, "--help"]), runSoulbot([name, "-h"])]),
  );
  SUBCOMMANDS.forEach((name, i) => {
    for (const r of [results[2 * i]!, results[2 * i + 1]!]) {
      assert.equal(r.code, 0, `${name}: ${show(r)}`);
      assert.ok(r.stdout.includes(`Usage: soulbot ${name}`), `${name}: ${show(r)}`);
      assert.match(r.stdout, /^Examples:\n {2}.*soulbot \S/m, `${name}: ${show(r)}`);
    }
  });
});

Deno.test("cli: unknown subcommand or option is a usage error (exit 2)", async () => {
  const [unknown, bogus, positional, badArg] = await Promise.all([
    runSoulbot(["frobnicate"]),
    runSoulbot(["migrate", "--bogus"]),
    runSoulbot(["check-config", "extra"]),
    runSoulbot(["bot", "--record"]),
  ]);
  assert.equal(unknown.code, 2, show(unknown));
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  assert.match(unknown.stderr, /check-config/, "the known commands are listed");
  assert.equal(unknown.stdout, "");

  assert.equal(bogus.code, 2, show(bogus));
  assert.match(bogus.stderr, /^soulbot migrate: .*--bogus.*See soulbot migrate --help/m);

  assert.equal(positional.code, 2, show(positional));
  assert.match(positional.stderr, /^soulbot check-config: .*extra/m);

  assert.equal(badArg.code, 2, show(badArg));
  assert.match(badArg.stderr, /^soulbot bot: .*--record/m);
});

Deno.test("stats: bad --days and --until are usage errors (exit 2)", async () => {
  const [zero, word, date] = await Promise.all([
    runSoulbot(["stats", "--days", "0"]),
    runSoulbot(["stats", "--days", "week"]),
    runSoulbot(["stats", "--until", "2026-02-30"]),
  ]);
  for (const r of [zero, word]) {
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /--days must be a whole number from 1 to 366/);
  }
  assert.equal(date.code, 2, show(date));
  assert.match(date.stderr, /--until must be a date like/);
});

Deno.test("check-config: missing and malformed values exit 1, all listed at once", async () => {
  await using dir = await tempDir();
  const [noToken, badFlag, several] = await Promise.all([
    runSoulbot(["check-config"], { OPENAI_API_KEY }, dir.path),
    runSoulbot(["check-config"], { ...VALID, ENABLE_ADAPTIVE_QUIZ: "maybe" }, dir.path),
    runSoulbot(["check-config"], {
      ENABLE_PATTERN_ANALYSIS: "sometimes",
      API_PORT: "0",
      LOG_LEVEL: "loud",
    }, dir.path),
  ]);

  assert.equal(noToken.code, 1, show(noToken));
  assert.match(noToken.stderr, /^ {2}- BOT_TOKEN is missing: /m);
  assert.doesNotMatch(noToken.stderr, /OPENAI_API_KEY/);
  assert.equal(noToken.stdout, "");

  assert.equal(badFlag.code, 1, show(badFlag));
  const line = badFlag.stderr.split("\n").find((l) => l.includes("ENABLE_ADAPTIVE_QUIZ"));
  assert.ok(line, show(badFlag));
  assert.match(line, /"maybe"/);
  for (const form of ["true", "false", "percentage"]) assert.ok(line.includes(form), line);
  assert.equal(badFlag.stderr.match(/^ {2}- /gm)?.length, 1, "only the flag is wrong");

  assert.equal(several.code, 1, show(several));
  const problems = several.stderr.match(/^ {2}- .*$/gm) ?? [];
  for (const name of ["BOT_TOKEN", "OPENAI_API_KEY", "ENABLE_PATTERN_ANALYSIS", "API_PORT"]) {
    assert.ok(problems.some((p) => p.includes(name)), `${name} listed\n${several.stderr}`);
  }
  assert.ok(problems.some((p) => p.includes("LOG_LEVEL")), several.stderr);
  assert.equal(problems.length, 5, several.stderr);
  assert.match(several.stderr, /^soulbot check-config: the configuration is invalid:/);
});

Deno.test("check-config: no secret value appears in any output, valid or invalid", async () => {
  await using dir = await tempDir();
  const dbUrl = `postgres://soul:${SECRETS.DB_PASSWORD}@db.example:5432/soul`;
  const variants: Record<string, string>[] = [
    // valid: DATABASE_URL (not connected to by check-config), payments configured
    {
      ...VALID,
      DATABASE_URL: dbUrl,
      POSTGRES_PASSWORD: SECRETS.POSTGRES_PASSWORD,
      YOOKASSA_SHOP_ID: "123456",
      YOOKASSA_SECRET_KEY: SECRETS.YOOKASSA_SECRET_KEY,
    },
    // valid: the URL is built from POSTGRES_* parts
    {
      ...VALID,
      POSTGRES_HOST: "db.example",
      POSTGRES_DB: "soul",
      POSTGRES_USER: "soul",
      POSTGRES_PASSWORD: SECRETS.POSTGRES_PASSWORD,
      DATABASE_URL: "",
    },
    // invalid: a malformed token, a non-PostgreSQL URL, a secret key without a shop id
    {
      BOT_TOKEN: "SECRETbottokenVALUE",
      OPENAI_API_KEY,
      DATABASE_URL: `mysql://soul:${SECRETS.DB_PASSWORD}@db.example/soul`,
      POSTGRES_PASSWORD: SECRETS.POSTGRES_PASSWORD,
      YOOKASSA_SECRET_KEY: SECRETS.YOOKASSA_SECRET_KEY,
    },
    // invalid: secrets fine, other things wrong
    {
      BOT_TOKEN,
      OPENAI_API_KEY,
      DATABASE_URL: dbUrl,
      YOOKASSA_SHOP_ID: "shop-1",
      YOOKASSA_SECRET_KEY: SECRETS.YOOKASSA_SECRET_KEY,
      ENABLE_STYLE_SETTINGS: "maybe",
    },
  ];
  const results = await Promise.all(
    variants.map((env) => runSoulbot(["check-config"], env, dir.path)),
  );
  const secrets = [...Object.values(SECRETS), "SECRETbottokenVALUE"];
  results.forEach((r, i) => {
    assert.equal(r.code, i < 2 ? 0 : 1, `variant ${i}: ${show(r)}`);
    for (const s of secrets) {
      assert.ok(!r.stdout.includes(s), `variant ${i}: ${s} in stdout\n${r.stdout}`);
      assert.ok(!r.stderr.includes(s), `variant ${i}: ${s} in stderr\n${r.stderr}`);
    }
  });

  const [valid, fromParts, invalid] = results as [RunResult, RunResult, RunResult];
  assert.match(valid.stdout, /^✅ Configuration is valid \(ENV=local; read no env file\)$/m);
  assert.match(valid.stdout, /^ {2}BOT_TOKEN: set \(redacted\)$/m);
  assert.match(valid.stdout, /^ {2}OPENAI_API_KEY: set \(redacted\)$/m);
  assert.match(
    valid.stdout,
    /^ {2}database: postgres postgres:\/\/soul:\*\*\*@db\.example:5432\/soul$/m,
  );
  assert.match(valid.stdout, /^ {2}YOOKASSA: shop 123456, secret key set \(redacted\)/m);
  assert.equal(valid.stderr, "");
  assert.match(
    fromParts.stdout,
    /^ {2}database: postgres postgres:\/\/soul:\*\*\*@db\.example:5432\/soul$/m,
  );
  for (const name of ["BOT_TOKEN", "DATABASE_URL", "YOOKASSA_SHOP_ID"]) {
    assert.ok(invalid.stderr.includes(name), `${name} named\n${invalid.stderr}`);
  }
});

Deno.test("check-config: ENV picks the env file; the real environment wins over it", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/.env.test`,
    `BOT_TOKEN=${BOT_TOKEN}\nOPENAI_API_KEY="${OPENAI_API_KEY}"\nENABLE_ADAPTIVE_QUIZ=maybe\n` +
      "ENABLE_PATTERN_ANALYSIS=25%\n",
  );
  await Deno.writeTextFile(`${dir.path}/.env`, "ENABLE_ADAPTIVE_QUIZ=true\n");
  const [fileOnly, envWins, emptyIsUnset, prod, local] = await Promise.all([
    runSoulbot(["check-config"], { ENV: "test" }, dir.path),
    runSoulbot(["check-config"], { ENV: "test", ENABLE_ADAPTIVE_QUIZ: "true" }, dir.path),
    runSoulbot(
      ["check-config"],
      { ENV: "test", ENABLE_ADAPTIVE_QUIZ: "on", BOT_TOKEN: "" },
      dir.path,
    ),
    runSoulbot(["check-config"], { ENV: "prod" }, dir.path),
    runSoulbot(["check-config"], {}, dir.path),
  ]);

  // The file is read: the secrets are there, and so is its bad flag.
  assert.equal(fileOnly.code, 1, show(fileOnly));
  assert.match(fileOnly.stderr, /ENABLE_ADAPTIVE_QUIZ="maybe" is not a valid flag/);
  assert.doesNotMatch(fileOnly.stderr, /BOT_TOKEN|OPENAI_API_KEY/);

  assert.equal(envWins.code, 0, show(envWins));
  assert.match(envWins.stdout, /^✅ Configuration is valid \(ENV=test; read \.env\.test\)$/m);
  assert.match(envWins.stdout, /^ {2}ENABLE_ADAPTIVE_QUIZ: on$/m);
  assert.match(envWins.stdout, /^ {2}ENABLE_PATTERN_ANALYSIS: 25%$/m, "from the file");

  // An empty variable (e.g. `BOT_TOKEN=` in a compose file) does not hide the file's value.
  assert.equal(emptyIsUnset.code, 0, show(emptyIsUnset));
  assert.match(emptyIsUnset.stdout, /^ {2}BOT_TOKEN: set \(redacted\)$/m);

  assert.equal(prod.code, 1, show(prod));
  assert.match(prod.stderr, /BOT_TOKEN is missing/);
  assert.match(prod.stderr, /OPENAI_API_KEY is missing/);

  // ENV unset reads .env, which lacks the secrets.
  assert.equal(local.code, 1, show(local));
  assert.match(local.stderr, /BOT_TOKEN is missing/);
  assert.doesNotMatch(local.stderr, /ENABLE_ADAPTIVE_QUIZ/);
});

Deno.test("migrate: applies once, then nothing; --status lists applied migrations", async () => {
  await using target = await processDb();
  await using cwd = await tempDir();
  const migrations = [...Deno.readDirSync(new URL("../../migrations/", import.meta.url))]
    .map((e) => e.name).filter((n) => n.endsWith(".sql")).sort();

  const first = await runSoulbot(["migrate"], target.env, cwd.path);
  assert.equal(first.code, 0, show(first));
  assert.match(first.stdout, /^Applied \d+ migration\(s\): 0001_init\.sql/m);
  assert.ok(first.stdout.includes(`Applied ${migrations.length} migration(s)`), first.stdout);

  const second = await runSoulbot(["migrate"], target.env, cwd.path);
  assert.equal(second.code, 0, show(second));
  assert.equal(
    second.stdout.trim(),
    `Nothing to apply: all ${migrations.length} migration(s) are applied`,
  );

  const status = await runSoulbot(["migrate", "--status"], target.env, cwd.path);
  assert.equal(status.code, 0, show(status));
  assert.match(status.stdout, /^Migrations in /);
  assert.match(
    status.stdout,
    /^ {2}0001_init +applied +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m,
    status.stdout,
  );
  assert.doesNotMatch(status.stdout, /pending|changed|missing-file/);
});

Deno.test({
  name: "migrate: two processes at once both succeed and apply each migration once",
  ignore: !serverUrl(),
  async fn() {
    await using target = await processDb();
    await using cwd = await tempDir();
    const [a, b] = await Promise.all([
      runSoulbot(["migrate"], target.env, cwd.path),
      runSoulbot(["migrate"], target.env, cwd.path),
    ]);
    assert.equal(a.code, 0, show(a));
    assert.equal(b.code, 0, show(b));
    // Between them the two applied every migration file exactly once.
    const files = [a, b].flatMap((r) =>
      /^Applied \d+ migration\(s\): (.*)$/m.exec(r.stdout)?.[1]?.split(", ") ?? []
    );
    assert.ok(files.includes("0001_init.sql"), `${show(a)}\n${show(b)}`);
    assert.equal(new Set(files).size, files.length, `applied twice:\n${show(a)}\n${show(b)}`);

    const sql = postgres(target.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ version: number; n: number }[]>`
        SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version`;
      assert.ok(rows.length >= 1);
      assert.ok(rows.every((r) => r.n === 1), JSON.stringify(rows));
      assert.ok(rows.some((r) => r.version === 1));
    } finally {
      await sql.end();
    }
  },
});
