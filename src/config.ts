// Typed configuration from environment variables: one zod schema in the shape of the config whose
// fields name their variables (env_fields.ts), every problem reported at once with its fix, and
// secret values never echoed.

import { isAbsolute, join } from "node:path";
import { z } from "zod";
import type { DatabaseConfig } from "./db/connect.ts";
import * as v from "./env_fields.ts"; // v.int("NAME", ...): a field reading variable NAME
import { ConfigError } from "./errors.ts";
import { FLAG_NAMES } from "./flags.ts";
import { DEFAULT_PRICES, parsePriceTable } from "./llm/pricing.ts";
import { validateRanges, YOOKASSA_IPS } from "./payments/ip_allowlist.ts";
import { DEFAULT_PLANS, parsePlans } from "./payments/plans.ts";
import { redactUrl } from "./redact.ts";

export type RequiredSecret = "BOT_TOKEN" | "OPENAI_API_KEY";
export interface LoadConfigOptions<R extends readonly RequiredSecret[] = RequiredSecret[]> {
  /** Secrets the calling command cannot run without (e.g. `bot` needs BOT_TOKEN). */
  require?: R;
  /** Directory that relative DATA_DIR and BACKUP_DIR are resolved against; default ".". */
  cwd?: string;
}

/** The settings (deep-frozen): what the schema below makes of the environment. */
export type Config = Frozen<z.output<ReturnType<typeof configSchema>>>;
/** Config with the secrets that a literal `require` list names typed as present (loadConfig
 * throws without them); a list typed just `RequiredSecret[]` promises nothing. */
export type ConfigWith<R extends readonly RequiredSecret[]> =
  & Config
  & Present<number extends R["length"] ? never : R[number]>;
type Present<S> =
  & ("BOT_TOKEN" extends S ? { readonly botToken: string } : unknown)
  & ("OPENAI_API_KEY" extends S ? { readonly openai: { readonly apiKey: string } } : unknown);
type Frozen<T> = { readonly [K in keyof T]: Frozen<T[K]> };

/** Validates `env` (the merged environment) and returns a deep-frozen Config, or throws a
 * ConfigError listing every problem. */
export function loadConfig<const R extends readonly RequiredSecret[] = []>(
  env: Record<string, string | undefined>,
  opts: LoadConfigOptions<R> = {},
): ConfigWith<R> {
  const result = configSchema(new Set(opts.require), opts.cwd ?? ".").safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) =>
        issue.code === "invalid_type"
          ? `${issue.path.join(".")} is invalid: ${issue.message}`
          : issue.message
      ),
    );
  }
  return deepFreeze(result.data) as ConfigWith<R>;
}

const HELP = {
  BOT_TOKEN: "set it to the token @BotFather gave you (format 123456:ABC...)",
  OPENAI_API_KEY: "set it to your OpenAI API key (or the key of your OpenAI-compatible server)",
  YOOKASSA_SECRET_KEY:
    "set it to the secret key from the YooKassa dashboard (Integration → API keys)",
  POSTGRES_PASSWORD: "set it to the database user's password, or remove it for trust login",
  STATS_TOKEN: "set it to a long random string (at least 16 letters, digits or -._~+/), e.g. the " +
    "output of `openssl rand -hex 24`, or remove it to turn GET /stats off",
  WEBHOOK_PATH_SECRET: "set it to a random string of 16 to 256 letters, digits, _ or -, e.g. " +
    "`openssl rand -hex 24`, or remove it (with WEBHOOK_SECRET_TOKEN) to turn the webhook off",
  WEBHOOK_SECRET_TOKEN: "set it to a random string of 16 to 256 letters, digits, _ or -, e.g. " +
    "`openssl rand -hex 24` (another one), or remove it (with WEBHOOK_PATH_SECRET)",
  SHOP: "set it to the numeric shopId from the YooKassa dashboard",
  DB_URL:
    "use postgres://user:password@host:5432/dbname, or remove it to use the embedded database",
  ADMINS: "use Telegram user ids separated by commas, e.g. 12345,67890",
  RECEIPT: "use e.g. receipts@example.com, or remove it to send payments without a receipt",
  PLANS: `use months:roubles pairs separated by commas, e.g. ${DEFAULT_PLANS}`,
  IPS: "use addresses or CIDR ranges separated by commas, e.g. 10.0.0.1,192.168.0.0/16",
};
const BOTH = "(set YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY together, or neither)";

// Fields report their problems with `continue` (zod's checks do so by default), so the
// cross-field checks still run and every problem comes out in one pass.
function configSchema(required: ReadonlySet<string>, cwd: string) {
  const key = (name: keyof typeof HELP, format?: RegExp) =>
    v.secret(name, HELP[name], required.has(name), format);
  const config = z.object({
    env: v.choice("ENV", ["prod", "test", "local"], "local"),
    botToken: key("BOT_TOKEN", /^\d+:[A-Za-z0-9_-]{20,}$/),
    telegramApiRoot: v.url("TELEGRAM_API_ROOT", "https://api.telegram.org"),
    openai: z.object({
      apiKey: key("OPENAI_API_KEY"),
      baseUrl: v.url("OPENAI_BASE_URL", undefined),
      model: v.text("OPENAI_MODEL", "gpt-4o-mini"),
      analysisModel: v.text("OPENAI_ANALYSIS_MODEL", "gpt-4o"),
      embeddingModel: v.text("OPENAI_EMBEDDING_MODEL", "text-embedding-3-small"),
      /** Moderation model for the crisis gate; undefined: no moderation layer. */
      moderationModel: v.orOff("OPENAI_MODERATION_MODEL", "omni-moderation-latest"),
      /** The triage judge's model (structured output); undefined: no judge layer. */
      safetyModel: v.orOff("OPENAI_SAFETY_MODEL", "gpt-4.1-nano"),
      /** How long moderation and the judge may take together before the analyser decides. */
      safetyTimeoutMs: v.int("SAFETY_TIMEOUT_MS", 1500, 100, 30_000, "milliseconds"),
      timeoutMs: v.int("OPENAI_TIMEOUT_MS", 30_000, 1, 3_600_000, "milliseconds"),
      maxRetries: v.int("OPENAI_MAX_RETRIES", 2, 0, 10, "retries after a failure"),
      /** USD per 1M input/output tokens by model: the defaults with OPENAI_PRICES over them. */
      prices: v.parsed("OPENAI_PRICES", withPrices, DEFAULT_PRICES),
      /** Upper bound of one answer's prompt (system, history, message), in tokens. */
      promptTokenBudget: v.int(
        "PROMPT_TOKEN_BUDGET",
        6000,
        1000,
        200_000,
        "tokens of prompt per answer",
      ),
    }),
    database: z.object({ // the parts: the transform below makes a DatabaseConfig of them
      url: v.postgresUrl("DATABASE_URL", HELP.DB_URL),
      host: v.text("POSTGRES_HOST", undefined),
      port: v.int("POSTGRES_PORT", 5432, 1, 65535, "a TCP port"),
      name: v.text("POSTGRES_DB", undefined),
      user: v.text("POSTGRES_USER", undefined),
      password: key("POSTGRES_PASSWORD"),
      dataDir: v.text("DATA_DIR", undefined),
    }),
    flags: z.object({
      useChatCompletion: v.flag(FLAG_NAMES.useChatCompletion, { mode: "on" }),
      enableStyleSettings: v.flag(FLAG_NAMES.enableStyleSettings, { mode: "on" }),
      enablePatternAnalysis: v.flag(FLAG_NAMES.enablePatternAnalysis, { mode: "off" }),
      enableAdaptiveQuiz: v.flag(FLAG_NAMES.enableAdaptiveQuiz, { mode: "off" }),
    }),
    yookassa: z.object({
      shopId: v.digits("YOOKASSA_SHOP_ID", `is not a valid shop id: ${HELP.SHOP}`),
      secretKey: key("YOOKASSA_SECRET_KEY"),
      apiUrl: v.url("YOOKASSA_API_URL", "https://api.yookassa.ru/v3"),
      returnUrl: v.url("YOOKASSA_RETURN_URL", undefined),
      /** Addresses and CIDR ranges notifications may come from. */
      allowedIps: v.parsed("YOOKASSA_ALLOWED_IPS", ipRanges, [...YOOKASSA_IPS], HELP.IPS),
      /** Proxies whose X-Forwarded-For is believed. */
      trustedProxies: v.parsed("TRUSTED_PROXIES", ipRanges, [], HELP.IPS),
      /** With an email, payments carry a receipt (54-FZ) sent there, with this VAT code. */
      receiptEmail: v.email("YOOKASSA_RECEIPT_EMAIL", HELP.RECEIPT),
      vatCode: v.int("YOOKASSA_VAT_CODE", 1, 1, 12, "YooKassa's vat_code"),
    }),
    subscription: z.object({
      plans: v.parsed("SUBSCRIPTION_PLANS", parsePlans, parsePlans(DEFAULT_PLANS), HELP.PLANS),
      freeDailyMessages: v.int(
        "FREE_DAILY_MESSAGES",
        10,
        1,
        100_000,
        "assistant messages a day without a subscription",
      ),
      /** A payment not paid within this time is abandoned. */
      paymentTtlMinutes: v.int(
        "PAYMENT_TTL_MINUTES",
        60,
        5,
        10_080,
        "minutes a payment stays open",
      ),
    }),
    api: z.object({
      host: v.text("API_HOST", "0.0.0.0"),
      port: v.int("API_PORT", 8080, 1, 65535, "a TCP port"),
    }),
    inbox: z.object({
      /** How long one update may be handled before the worker gives up on it (a failure). */
      updateTimeoutSeconds: v.int(
        "UPDATE_TIMEOUT_SECONDS",
        300,
        10,
        3600,
        "seconds one update may be handled",
      ),
    }),
    /** The bot's /metrics and /health listener (on API_HOST); 0: none. */
    metrics: z.object({
      port: v.int("METRICS_PORT", 9101, 0, 65535, "a TCP port; 0 turns it off"),
    }),
    /** Bearer token for the api's GET /stats and GET /metrics; undefined: /stats is off. */
    // What an `Authorization: Bearer` header can carry (RFC 6750); bearerAuth refuses the rest.
    statsToken: key("STATS_TOKEN", /^[\w.~+/-]{16,}=*$/),
    /**
     * The webhook receiver (POST /telegram/<pathSecret> on the api; on when both secrets are
     * set) and `soulbot webhook set` (which needs the public address too). Telegram's
     * secret_token allows 1–256 of A-Z, a-z, 0-9, _ and -; we ask for 16 at least.
     */
    webhook: z.object({
      url: v.url("WEBHOOK_URL", undefined),
      pathSecret: key("WEBHOOK_PATH_SECRET", WEBHOOK_SECRET_FORMAT),
      secretToken: key("WEBHOOK_SECRET_TOKEN", WEBHOOK_SECRET_FORMAT),
    }),
    adminIds: v.ids("ADMIN_IDS", HELP.ADMINS),
    /** Where crisis alerts (never message text) go; undefined: nowhere. */
    adminChatId: v.chatId("ADMIN_CHAT_ID"),
    log: z.object({
      level: v.choice("LOG_LEVEL", ["debug", "info", "warn", "error"], "info"),
      format: v.choice("LOG_FORMAT", ["json", "pretty"], undefined),
    }),
    backupDir: v.text("BACKUP_DIR", "./backups"),
  });
  const crossChecked = config.superRefine(
    ({ database: d, yookassa: y, statsToken, webhook }, ctx) => {
      const problem = (message: string) => ctx.addIssue({ code: "custom", message });
      const placeholder = (name: keyof typeof HELP, value: string | undefined) =>
        value && v.isPlaceholder(value) && problem(`${name} is still a placeholder: ${HELP[name]}`);
      if (!d.url && d.host) {
        const needs = "(needed with POSTGRES_HOST; or set DATABASE_URL instead)";
        if (!d.name) problem(`POSTGRES_DB is missing: set it to the database name ${needs}`);
        if (!d.user) problem(`POSTGRES_USER is missing: set it to the user name ${needs}`);
        placeholder("POSTGRES_PASSWORD", d.password);
      }
      if (y.shopId) placeholder("YOOKASSA_SECRET_KEY", y.secretKey);
      if (y.shopId && !y.secretKey) {
        problem(`YOOKASSA_SECRET_KEY is missing: ${HELP.YOOKASSA_SECRET_KEY} ${BOTH}`);
      }
      placeholder("STATS_TOKEN", statsToken);
      placeholder("WEBHOOK_PATH_SECRET", webhook.pathSecret);
      placeholder("WEBHOOK_SECRET_TOKEN", webhook.secretToken);
      const [path, token] = [v.real(webhook.pathSecret), v.real(webhook.secretToken)];
      if (path && !token) problem(`WEBHOOK_SECRET_TOKEN is missing: ${HELP.WEBHOOK_SECRET_TOKEN}`);
      if (token && !path) problem(`WEBHOOK_PATH_SECRET is missing: ${HELP.WEBHOOK_PATH_SECRET}`);
      if (path && path === token) {
        problem("WEBHOOK_SECRET_TOKEN is the same as WEBHOOK_PATH_SECRET: give each its own value");
      }
      if (!y.shopId && v.real(y.secretKey)) {
        problem(`YOOKASSA_SHOP_ID is missing: ${HELP.SHOP} ${BOTH}`);
      }
    },
  );
  return z.preprocess(v.readEnv(config.shape), crossChecked).transform(
    ({ database: d, yookassa: y, ...c }) => {
      const database: DatabaseConfig = d.url
        ? { kind: "postgres", url: d.url, display: redactUrl(d.url) }
        : d.host
        ? postgresUrl(d.host, d.port, v.real(d.password), d.user, d.name)
        : { kind: "pglite", dataDir: resolveDir(cwd, d.dataDir ?? `./data/${c.env}`) };
      return {
        ...c,
        botToken: v.real(c.botToken),
        openai: { ...c.openai, apiKey: v.real(c.openai.apiKey) },
        database,
        yookassa: { ...y, secretKey: y.shopId ? v.real(y.secretKey) : undefined },
        statsToken: v.real(c.statsToken),
        webhook: webhookConfig(c.webhook),
        log: { ...c.log, format: c.log.format ?? (c.env === "prod" ? "json" : "pretty") },
        backupDir: resolveDir(cwd, c.backupDir),
      };
    },
  );
}

const WEBHOOK_SECRET_FORMAT = /^[A-Za-z0-9_-]{16,256}$/;

/** The webhook's settings: `receiver` only when both secrets are set. */
export interface WebhookConfig {
  /** The public address Telegram posts to (without the path); needed by `webhook set`. */
  url?: string;
  receiver?: { pathSecret: string; secretToken: string };
}

function webhookConfig(w: { url?: string; pathSecret?: string; secretToken?: string }) {
  const [pathSecret, secretToken] = [v.real(w.pathSecret), v.real(w.secretToken)];
  const config: WebhookConfig = { url: w.url };
  if (pathSecret && secretToken) config.receiver = { pathSecret, secretToken };
  return config;
}

const withPrices = (text: string) => ({ ...DEFAULT_PRICES, ...parsePriceTable(text) });

function ipRanges(text: string): string[] {
  const list = text.split(/[\s,]+/).filter(Boolean);
  validateRanges(list);
  return list;
}

// User, password and database name are URL-encoded: passwords often hold `@`, `:` or `/`.
function postgresUrl(
  host: string,
  port: number,
  password: string | undefined,
  user = "",
  db = "",
): DatabaseConfig {
  const enc = encodeURIComponent;
  const server = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const make = (pw: string | undefined) =>
    `postgres://${enc(user)}${pw ? `:${pw}` : ""}@${server}:${port}/${enc(db)}`;
  const url = make(password && enc(password));
  return { kind: "postgres", url, display: make(password && "***") };
}

function resolveDir(cwd: string, dir: string): string {
  if (isAbsolute(dir)) return dir;
  const joined = join(cwd, dir);
  return isAbsolute(joined) || joined === "." || joined.startsWith("..") ? joined : `./${joined}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
