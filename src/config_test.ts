// Tests for configuration loading: defaults, all problems at once, placeholders, database
// selection, and that no secret value ever reaches an error message or the summary.

import { YOOKASSA_IPS } from "./payments/ip_allowlist.ts";
import assert from "node:assert/strict";
import { type Config, loadConfig } from "./config.ts";
import { FLAG_NAMES } from "./flags.ts";
import { configSummary } from "./config_summary.ts";
import { isSecretName } from "./redact.ts";
import { ConfigError } from "./errors.ts";
import { DEFAULT_PRICES } from "./llm/pricing.ts";

const TOKEN = "987654:AAFakeBotTokenZebra_Quokka-0042";
const OPENAI_KEY = "sk-fake-openai-key-PLATYPUS-777";
const PG_PASSWORD = "pg-Pass@w0rd:AXOLOTL/9";
const URL_PASSWORD = "url-secret-NARWHAL";
const YK_SECRET = "live_fake-yookassa-secret-PANGOLIN";
const SECRETS = [TOKEN, OPENAI_KEY, PG_PASSWORD, encodeURIComponent(PG_PASSWORD), URL_PASSWORD];

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.problems;
  }
  assert.fail("expected a ConfigError");
}

function assertNoSecrets(text: string, secrets = SECRETS): void {
  for (const secret of [...secrets, YK_SECRET]) {
    assert.ok(!text.includes(secret), `leaked ${secret}`);
  }
}

Deno.test("an empty environment gives the defaults", () => {
  const config = loadConfig({});
  assert.deepEqual<Config>(config, {
    env: "local",
    botToken: undefined,
    telegramApiRoot: "https://api.telegram.org",
    openai: {
      apiKey: undefined,
      baseUrl: undefined,
      model: "gpt-4o-mini",
      analysisModel: "gpt-4o",
      embeddingModel: "text-embedding-3-small",
      moderationModel: "omni-moderation-latest",
      safetyModel: "gpt-4.1-nano",
      safetyTimeoutMs: 1500,
      timeoutMs: 30000,
      maxRetries: 2,
      prices: DEFAULT_PRICES,
      promptTokenBudget: 6000,
    },
    database: { kind: "pglite", dataDir: "./data/local" },
    flags: {
      useChatCompletion: { mode: "on" },
      enableStyleSettings: { mode: "on" },
      enablePatternAnalysis: { mode: "off" },
      enableAdaptiveQuiz: { mode: "off" },
    },
    yookassa: {
      shopId: undefined,
      secretKey: undefined,
      apiUrl: "https://api.yookassa.ru/v3",
      returnUrl: undefined,
      allowedIps: YOOKASSA_IPS,
      trustedProxies: [],
      receiptEmail: undefined,
      vatCode: 1,
    },
    subscription: {
      plans: [
        { months: 1, price: 1111 },
        { months: 3, price: 2999 },
        { months: 6, price: 5555 },
        { months: 12, price: 11111 },
      ],
      freeDailyMessages: 10,
      paymentTtlMinutes: 60,
    },
    api: { host: "0.0.0.0", port: 8080 },
    inbox: { updateTimeoutSeconds: 300 },
    metrics: { port: 9101 },
    statsToken: undefined,
    webhook: { url: undefined },
    adminIds: [],
    adminChatId: undefined,
    log: { level: "info", format: "pretty" },
    backupDir: "./backups",
  });
});

Deno.test("empty strings count as unset", () => {
  const env = { ENV: "", BOT_TOKEN: " ", API_PORT: "", USE_CHAT_COMPLETION: "", LOG_LEVEL: "" };
  assert.deepEqual(loadConfig(env), loadConfig({}));
  assert.match(
    problemsOf(() => loadConfig({ BOT_TOKEN: "" }, { require: ["BOT_TOKEN"] }))[0]!,
    /^BOT_TOKEN is missing/,
  );
});

Deno.test("the config is deeply frozen", () => {
  const config = loadConfig({ ADMIN_IDS: "1" });
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.openai));
  assert.ok(Object.isFrozen(config.flags.useChatCompletion));
  assert.ok(Object.isFrozen(config.adminIds));
});

Deno.test("values are parsed into their types", () => {
  const config = loadConfig({
    ENV: "prod",
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: "http://localhost:11434/v1",
    OPENAI_MODEL: "llama3",
    OPENAI_TIMEOUT_MS: "5000",
    ENABLE_ADAPTIVE_QUIZ: "25%",
    ENABLE_STYLE_SETTINGS: "no",
    YOOKASSA_SHOP_ID: "123456",
    YOOKASSA_SECRET_KEY: YK_SECRET,
    YOOKASSA_RETURN_URL: "https://t.me/soulnear_bot",
    YOOKASSA_ALLOWED_IPS: "10.0.0.0/8, 192.168.1.5",
    TRUSTED_PROXIES: "127.0.0.1",
    YOOKASSA_RECEIPT_EMAIL: "receipts@example.com",
    YOOKASSA_VAT_CODE: "6",
    SUBSCRIPTION_PLANS: "12:9000, 1:990",
    FREE_DAILY_MESSAGES: "5",
    API_PORT: "9000",
    METRICS_PORT: "0",
    STATS_TOKEN: "0123456789abcdef0123",
    ADMIN_IDS: "111, 222 333,111",
    LOG_LEVEL: "DEBUG",
  }, { require: ["BOT_TOKEN", "OPENAI_API_KEY"] });
  assert.equal(config.env, "prod");
  assert.equal(config.botToken, TOKEN);
  assert.equal(config.telegramApiRoot, "http://127.0.0.1:8081");
  assert.equal(config.openai.apiKey, OPENAI_KEY);
  assert.equal(config.openai.baseUrl, "http://localhost:11434/v1");
  assert.equal(config.openai.model, "llama3");
  assert.equal(config.openai.timeoutMs, 5000);
  assert.deepEqual(config.flags.enableAdaptiveQuiz, { mode: "percent", percent: 25 });
  assert.deepEqual(config.flags.enableStyleSettings, { mode: "off" });
  assert.deepEqual(config.yookassa, {
    shopId: "123456",
    secretKey: YK_SECRET,
    apiUrl: "https://api.yookassa.ru/v3",
    returnUrl: "https://t.me/soulnear_bot",
    allowedIps: ["10.0.0.0/8", "192.168.1.5"],
    trustedProxies: ["127.0.0.1"],
    receiptEmail: "receipts@example.com",
    vatCode: 6,
  });
  assert.deepEqual(config.subscription, {
    plans: [{ months: 1, price: 990 }, { months: 12, price: 9000 }],
    freeDailyMessages: 5,
    paymentTtlMinutes: 60,
  });
  assert.equal(config.api.port, 9000);
  assert.equal(config.metrics.port, 0);
  assert.equal(config.statsToken, "0123456789abcdef0123");
  assert.deepEqual(config.adminIds, [111, 222, 333]);
  assert.deepEqual(config.log, { level: "debug", format: "json" });
  assert.equal(config.database.kind === "pglite" && config.database.dataDir, "./data/prod");
});

Deno.test("every problem is reported at once, each naming its variable", () => {
  const problems = problemsOf(() =>
    loadConfig({
      ENV: "staging",
      TELEGRAM_API_ROOT: "api.telegram.org",
      OPENAI_TIMEOUT_MS: "soon",
      ENABLE_ADAPTIVE_QUIZ: "maybe",
      USE_CHAT_COMPLETION: "150%",
      API_PORT: "70000",
      METRICS_PORT: "-1",
      STATS_TOKEN: "short",
      ADMIN_IDS: "12, bob",
      LOG_LEVEL: "verbose",
      LOG_FORMAT: "xml",
      POSTGRES_HOST: "db",
      YOOKASSA_SHOP_ID: "123",
    }, { require: ["BOT_TOKEN", "OPENAI_API_KEY"] })
  );
  const names = [
    "ENV",
    "BOT_TOKEN",
    "TELEGRAM_API_ROOT",
    "OPENAI_API_KEY",
    "OPENAI_TIMEOUT_MS",
    "ENABLE_ADAPTIVE_QUIZ",
    "USE_CHAT_COMPLETION",
    "API_PORT",
    "METRICS_PORT",
    "STATS_TOKEN",
    "ADMIN_IDS",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "POSTGRES_DB",
    "POSTGRES_USER",
    "YOOKASSA_SECRET_KEY",
  ];
  for (const name of names) {
    assert.ok(
      problems.some((p) => p.startsWith(name)),
      `${name} not named in:\n${problems.join("\n")}`,
    );
  }
  assert.equal(problems.length, names.length, problems.join("\n"));
  assert.ok(problems.includes('ENV="staging" is not valid: use prod, test or local'));
  const err = new ConfigError(problems);
  assert.ok(err.message.startsWith("Invalid configuration:\n  - ENV="), err.message);
});

Deno.test("BOT_TOKEN is named with its fix only when required", () => {
  assert.equal(loadConfig({}).botToken, undefined);
  assert.deepEqual(problemsOf(() => loadConfig({}, { require: ["BOT_TOKEN"] })), [
    "BOT_TOKEN is missing: set it to the token @BotFather gave you (format 123456:ABC...)",
  ]);
  const bad = problemsOf(() => loadConfig({ BOT_TOKEN: "12345" }));
  assert.match(bad[0]!, /^BOT_TOKEN is not in the expected format: .*@BotFather/);
  assert.match(
    problemsOf(() => loadConfig({}, { require: ["OPENAI_API_KEY"] }))[0]!,
    /^OPENAI_API_KEY is missing: set it/,
  );
});

Deno.test("STATS_TOKEN must fit in a bearer header", () => {
  assert.equal(
    loadConfig({ STATS_TOKEN: "abc-DEF_123.~+/xyz==" }).statsToken,
    "abc-DEF_123.~+/xyz==",
  );
  const bad = problemsOf(() => loadConfig({ STATS_TOKEN: "0123456789abcdef!" }));
  assert.match(
    bad[0]!,
    /^STATS_TOKEN is not in the expected format: .*letters, digits or -\._~\+\//,
  );
});

Deno.test("a malformed flag is rejected, listing the accepted forms", () => {
  const [problem] = problemsOf(() => loadConfig({ ENABLE_ADAPTIVE_QUIZ: "maybe" }));
  assert.match(
    problem!,
    /^ENABLE_ADAPTIVE_QUIZ="maybe" is not a valid flag: use true, false or a percentage like 25%/,
  );
  for (const form of ["on/off", "yes/no", "1/0"]) assert.ok(problem!.includes(form), form);
});

Deno.test("placeholders count as missing secrets", () => {
  for (const value of ["your_bot_token", "<token>", "...", "changeme", "123456:ABC..."]) {
    const problems = problemsOf(() => loadConfig({ BOT_TOKEN: value }, { require: ["BOT_TOKEN"] }));
    assert.deepEqual(problems, [
      "BOT_TOKEN is still a placeholder: set it to the token @BotFather gave you " +
      "(format 123456:ABC...)",
    ]);
    assert.equal(loadConfig({ BOT_TOKEN: value }).botToken, undefined, value);
  }
  const problems = problemsOf(() =>
    loadConfig({ OPENAI_API_KEY: "sk-..." }, { require: ["OPENAI_API_KEY"] })
  );
  assert.match(problems[0]!, /^OPENAI_API_KEY is still a placeholder: set it/);
  assert.match(
    problemsOf(() => loadConfig({ YOOKASSA_SHOP_ID: "1", YOOKASSA_SECRET_KEY: "your_secret" }))[0]!,
    /^YOOKASSA_SECRET_KEY is still a placeholder/,
  );
  assert.deepEqual(
    loadConfig({ YOOKASSA_SECRET_KEY: "your_secret" }).yookassa.secretKey,
    undefined,
  );
  assert.match(
    problemsOf(() => loadConfig({ DATABASE_URL: "postgres://user:your_password@db/soul" }))[0]!,
    /^DATABASE_URL is still a placeholder/,
  );
});

Deno.test("DATABASE_URL selects PostgreSQL and is displayed without its password", () => {
  const url = `postgresql://soul_user:${URL_PASSWORD}@db:5432/soul_bot?sslmode=require`;
  const { database } = loadConfig({ DATABASE_URL: url });
  assert.deepEqual(database, {
    kind: "postgres",
    url,
    display: "postgresql://soul_user:***@db:5432/soul_bot?sslmode=require",
  });
  const problems = problemsOf(() => loadConfig({ DATABASE_URL: `mysql://u:${URL_PASSWORD}@db/x` }));
  assert.match(problems[0]!, /^DATABASE_URL is not a valid PostgreSQL URL: use postgres:\/\//);
  assertNoSecrets(problems.join("\n"));
});

Deno.test("POSTGRES_* build an encoded URL; DATABASE_URL wins over them", () => {
  const parts = {
    POSTGRES_HOST: "db",
    POSTGRES_DB: "soul_bot",
    POSTGRES_USER: "soul_user",
    POSTGRES_PASSWORD: PG_PASSWORD,
  };
  assert.deepEqual(loadConfig(parts).database, {
    kind: "postgres",
    url: `postgres://soul_user:${encodeURIComponent(PG_PASSWORD)}@db:5432/soul_bot`,
    display: "postgres://soul_user:***@db:5432/soul_bot",
  });
  const noPassword = loadConfig({ ...parts, POSTGRES_PASSWORD: "", POSTGRES_PORT: "6543" });
  assert.deepEqual(noPassword.database, {
    kind: "postgres",
    url: "postgres://soul_user@db:6543/soul_bot",
    display: "postgres://soul_user@db:6543/soul_bot",
  });
  const both = loadConfig({ ...parts, DATABASE_URL: "postgres://other@elsewhere/x" });
  assert.equal(
    both.database.kind === "postgres" && both.database.url,
    "postgres://other@elsewhere/x",
  );
  // With DATABASE_URL set, missing POSTGRES_DB/USER are not problems.
  assert.equal(
    loadConfig({ POSTGRES_HOST: "db", DATABASE_URL: "postgres://a@b/c" }).database.kind,
    "postgres",
  );
});

Deno.test("without a server the embedded database lives under DATA_DIR", () => {
  assert.deepEqual(loadConfig({}).database, { kind: "pglite", dataDir: "./data/local" });
  assert.deepEqual(loadConfig({ ENV: "test" }).database, {
    kind: "pglite",
    dataDir: "./data/test",
  });
  assert.deepEqual(loadConfig({}, { cwd: "/srv/bot" }).database, {
    kind: "pglite",
    dataDir: "/srv/bot/data/local",
  });
  assert.deepEqual(loadConfig({ DATA_DIR: "/var/lib/soul" }, { cwd: "/srv/bot" }).database, {
    kind: "pglite",
    dataDir: "/var/lib/soul",
  });
  assert.equal(
    loadConfig({ BACKUP_DIR: "dumps" }, { cwd: "/srv/bot" }).backupDir,
    "/srv/bot/dumps",
  );
  // POSTGRES_DB alone (e.g. shared with a postgres container) does not select a server.
  assert.equal(loadConfig({ POSTGRES_DB: "soul" }).database.kind, "pglite");
});

Deno.test("YooKassa shop id and secret key go together", () => {
  assert.match(
    problemsOf(() => loadConfig({ YOOKASSA_SECRET_KEY: YK_SECRET }))[0]!,
    /^YOOKASSA_SHOP_ID is missing: /,
  );
  assert.match(
    problemsOf(() => loadConfig({ YOOKASSA_SHOP_ID: "12" }))[0]!,
    /^YOOKASSA_SECRET_KEY is missing: /,
  );
  assert.match(
    problemsOf(() => loadConfig({ YOOKASSA_SHOP_ID: "shop", YOOKASSA_SECRET_KEY: YK_SECRET }))[0]!,
    /^YOOKASSA_SHOP_ID="shop" is not a valid shop id/,
  );
});

Deno.test("secrets never appear in error messages", () => {
  const problems = problemsOf(() =>
    loadConfig({
      BOT_TOKEN: `${TOKEN}!`,
      OPENAI_API_KEY: OPENAI_KEY,
      POSTGRES_HOST: "db",
      POSTGRES_PASSWORD: PG_PASSWORD,
      DATABASE_URL: `postgres//u:${URL_PASSWORD}@db/x`,
      YOOKASSA_SECRET_KEY: YK_SECRET,
      YOOKASSA_SHOP_ID: "not-a-number",
      API_PORT: "x",
    }, { require: ["BOT_TOKEN", "OPENAI_API_KEY"] })
  );
  assert.ok(problems.length >= 3, problems.join("\n"));
  const text = problems.join("\n") + new ConfigError(problems).message;
  assertNoSecrets(text);
  assert.ok(!text.includes("AAFakeBotToken"));
});

Deno.test("the summary is readable and redacted", () => {
  const config = loadConfig({
    BOT_TOKEN: TOKEN,
    OPENAI_API_KEY: OPENAI_KEY,
    DATABASE_URL: `postgres://soul_user:${URL_PASSWORD}@db:5432/soul_bot?password=${URL_PASSWORD}`,
    YOOKASSA_SHOP_ID: "123456",
    YOOKASSA_SECRET_KEY: YK_SECRET,
    ENABLE_ADAPTIVE_QUIZ: "25%",
    ADMIN_IDS: "1,2",
  });
  const summary = configSummary(config);
  const text = summary.join("\n");
  assertNoSecrets(text);
  assert.ok(!text.includes("987654:"), "no part of the token");
  assert.ok(summary.includes("BOT_TOKEN: set (redacted)"), text);
  assert.ok(summary.includes("OPENAI_API_KEY: set (redacted)"), text);
  assert.ok(
    summary.includes("database: postgres postgres://soul_user:***@db:5432/soul_bot?password=***"),
    text,
  );
  assert.ok(summary.includes("ENABLE_ADAPTIVE_QUIZ: 25%"), text);
  assert.ok(summary.includes("USE_CHAT_COMPLETION: on"), text);
  assert.ok(summary.some((l) => l.startsWith("ADMIN_IDS: 2 admins;")), text);

  const local = configSummary(loadConfig({})).join("\n");
  assert.match(local, /^BOT_TOKEN: not set$/m);
  assert.match(local, /^database: embedded \(PGlite\) at \.\/data\/local$/m);
});

Deno.test("FLAG_NAMES and secret names", () => {
  assert.deepEqual(Object.values(FLAG_NAMES), [
    "USE_CHAT_COMPLETION",
    "ENABLE_STYLE_SETTINGS",
    "ENABLE_PATTERN_ANALYSIS",
    "ENABLE_ADAPTIVE_QUIZ",
  ]);
  for (
    const name of [
      "BOT_TOKEN",
      "OPENAI_API_KEY",
      "POSTGRES_PASSWORD",
      "YOOKASSA_SECRET_KEY",
      "DATABASE_URL",
      "SENTRY_TOKEN",
      "WEBHOOK_SECRET_PATH",
    ]
  ) {
    assert.ok(isSecretName(name), name);
  }
  for (const name of ["ENV", "API_PORT", "YOOKASSA_SHOP_ID", "OPENAI_MODEL"]) {
    assert.ok(!isSecretName(name), name);
  }
});

Deno.test("credentials inside URLs never appear, in the summary or in errors", () => {
  const config = loadConfig({
    DATABASE_URL:
      "postgres://soul:SECRETdbpass@db:5432/soul?sslpassword=SECRETssl&application_name=x",
  });
  const summary = configSummary(config).join("\n");
  assert.ok(!summary.includes("SECRETdbpass") && !summary.includes("SECRETssl"), summary);
  assert.match(summary, /application_name=x/);
  try {
    loadConfig({
      OPENAI_BASE_URL: "ftp://user:SECRETpw@llm.example/v1",
      TELEGRAM_API_ROOT: "x?token=SECRETtok",
    });
    assert.fail("invalid URLs must be rejected");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join("\n");
    assert.ok(!text.includes("SECRETpw") && !text.includes("SECRETtok"), text);
    assert.match(text, /OPENAI_BASE_URL/);
    assert.match(text, /TELEGRAM_API_ROOT/);
  }
});

Deno.test(".env.example is valid once its two placeholders are filled in", async () => {
  const { parse } = await import("dotenv");
  const example = parse(await Deno.readTextFile(new URL("../.env.example", import.meta.url)));
  const config = loadConfig({
    ...example,
    BOT_TOKEN: "123456:ABCdefGHIjklMNOpqrSTUvwxYZ",
    OPENAI_API_KEY: "sk-test",
  }, { require: ["BOT_TOKEN", "OPENAI_API_KEY"] });
  assert.equal(config.database.kind, "pglite");
  for (const name of Object.values(FLAG_NAMES)) assert.ok(name in example, `${name} documented`);
});

Deno.test("OPENAI_PRICES overrides the default price table, and a bad table is named", () => {
  const config = loadConfig({ OPENAI_PRICES: '{"my-local-model": [0, 0], "gpt-4o": [2, 8]}' });
  assert.deepEqual(config.openai.prices["my-local-model"], [0, 0]);
  assert.deepEqual(config.openai.prices["gpt-4o"], [2, 8]);
  assert.deepEqual(config.openai.prices["gpt-4o-mini"], DEFAULT_PRICES["gpt-4o-mini"]);
  assert.throws(() => loadConfig({ OPENAI_PRICES: "{oops" }), /OPENAI_PRICES is not valid/);
});

Deno.test("payment settings: bad plans, addresses and emails are reported with the fix", () => {
  assert.throws(
    () =>
      loadConfig({
        SUBSCRIPTION_PLANS: "1:1111,1:2000",
        YOOKASSA_ALLOWED_IPS: "185.71.76.0/27,not-an-ip",
        TRUSTED_PROXIES: "10.0.0.0/99",
        YOOKASSA_RECEIPT_EMAIL: "nobody",
        FREE_DAILY_MESSAGES: "0",
      }, { require: [] }),
    (err: Error) => {
      for (
        const name of [
          "SUBSCRIPTION_PLANS is not valid: 1 months appears twice",
          'YOOKASSA_ALLOWED_IPS is not valid: "not-an-ip" is not an IP address',
          'TRUSTED_PROXIES is not valid: "10.0.0.0/99"',
          "YOOKASSA_RECEIPT_EMAIL",
          "FREE_DAILY_MESSAGES",
        ]
      ) assert.ok(err.message.includes(name), `${name} in ${err.message}`);
      return true;
    },
  );
});

Deno.test("the triage judge and its time limit: a model, off, or a bad limit named", () => {
  const off = loadConfig({ OPENAI_SAFETY_MODEL: "off", SAFETY_TIMEOUT_MS: "800" });
  assert.equal(off.openai.safetyModel, undefined);
  assert.equal(off.openai.safetyTimeoutMs, 800);
  assert.equal(
    loadConfig({ OPENAI_SAFETY_MODEL: "gpt-4o-mini" }).openai.safetyModel,
    "gpt-4o-mini",
  );
  assert.throws(
    () => loadConfig({ SAFETY_TIMEOUT_MS: "soon" }),
    (err: unknown) =>
      err instanceof ConfigError && err.problems.some((p) => p.startsWith("SAFETY_TIMEOUT_MS")),
  );
});

Deno.test("config: the webhook's secrets — both or neither, each its own, in Telegram's format", () => {
  const base = { BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ" };
  const path = "path_secret-0123456789";
  const token = "token_secret-0123456789";
  const on = loadConfig({ ...base, WEBHOOK_PATH_SECRET: path, WEBHOOK_SECRET_TOKEN: token });
  assert.deepEqual(on.webhook.receiver, { pathSecret: path, secretToken: token });
  assert.equal(loadConfig(base).webhook.receiver, undefined);
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (err) {
      return (err as ConfigError).problems.join("\n");
    }
    return "";
  };
  assert.match(problems({ WEBHOOK_PATH_SECRET: path }), /WEBHOOK_SECRET_TOKEN is missing/);
  assert.match(problems({ WEBHOOK_SECRET_TOKEN: token }), /WEBHOOK_PATH_SECRET is missing/);
  assert.match(
    problems({ WEBHOOK_PATH_SECRET: path, WEBHOOK_SECRET_TOKEN: path }),
    /give each its own value/,
  );
  const short = problems({ WEBHOOK_PATH_SECRET: "short", WEBHOOK_SECRET_TOKEN: "a b c" });
  assert.match(short, /WEBHOOK_PATH_SECRET is not in the expected format/);
  assert.match(short, /WEBHOOK_SECRET_TOKEN is not in the expected format/);
  assert.ok(!short.includes("short") && !short.includes("a b c"), "values are never shown");
  assert.match(
    problems({ WEBHOOK_URL: "not a url" }),
    /WEBHOOK_URL="not a url" is not a valid URL/,
  );
});
