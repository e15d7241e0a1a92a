// Typed configuration from environment variables: one zod schema keyed by the real variable
// names, every problem reported at once with its fix, and secret values never echoed.

import { DEFAULT_PLANS, parsePlans, type Plan } from "./payments/plans.ts";
import { validateRanges, YOOKASSA_IPS } from "./payments/ip_allowlist.ts";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { ConfigError } from "./errors.ts";
import {
  describeFlag,
  type Flag,
  FLAG_FORMS,
  FLAG_NAMES,
  type FlagKey,
  parseFlag,
} from "./flags.ts";
import type { LogFormat, LogLevel } from "./log.ts";
import { DEFAULT_PRICES, parsePriceTable, type PriceTable } from "./llm/pricing.ts";

export type RequiredSecret = "BOT_TOKEN" | "OPENAI_API_KEY";
export interface LoadConfigOptions {
  /** Secrets the calling command cannot run without (e.g. `bot` needs BOT_TOKEN). */
  require?: RequiredSecret[];
  /** Directory that relative DATA_DIR and BACKUP_DIR are resolved against; default ".". */
  cwd?: string;
}

export { FLAG_NAMES, type FlagKey } from "./flags.ts";

export type DatabaseConfig =
  | { readonly kind: "postgres"; readonly url: string; readonly display: string }
  | { readonly kind: "pglite"; readonly dataDir: string };

export interface Config {
  readonly env: "prod" | "test" | "local";
  readonly botToken?: string;
  readonly telegramApiRoot: string;
  readonly openai: {
    readonly apiKey?: string;
    readonly baseUrl?: string;
    readonly model: string;
    readonly analysisModel: string;
    readonly embeddingModel: string;
    /** Moderation model for the crisis gate; undefined: no moderation layer. */
    readonly moderationModel?: string;
    /** The triage judge's model (structured output); undefined: no judge layer. */
    readonly safetyModel?: string;
    /** How long moderation and the judge may take together before the analyser decides alone. */
    readonly safetyTimeoutMs: number;
    readonly timeoutMs: number;
    readonly maxRetries: number;
    /** USD per 1M input/output tokens by model: the defaults with OPENAI_PRICES over them. */
    readonly prices: PriceTable;
    /** Upper bound of one answer's prompt (system, history, message), in tokens. */
    readonly promptTokenBudget: number;
  };
  readonly database: DatabaseConfig;
  readonly flags: { readonly [K in FlagKey]: Flag };
  readonly yookassa: {
    readonly shopId?: string;
    readonly secretKey?: string;
    readonly apiUrl: string;
    readonly returnUrl?: string;
    /** Addresses and CIDR ranges notifications may come from. */
    readonly allowedIps: readonly string[];
    /** Proxies whose X-Forwarded-For is believed. */
    readonly trustedProxies: readonly string[];
    /** With an email, payments carry a receipt (54-FZ) sent there, with this VAT code. */
    readonly receiptEmail?: string;
    readonly vatCode: number;
  };
  readonly subscription: {
    readonly plans: readonly Plan[];
    /** Assistant messages a day without a subscription. */
    readonly freeDailyMessages: number;
    /** A payment not paid within this time is abandoned. */
    readonly paymentTtlMinutes: number;
  };
  readonly api: { readonly host: string; readonly port: number };
  /** The bot's /metrics and /health listener (on API_HOST); 0: none. */
  readonly metrics: { readonly port: number };
  /** Bearer token for the api's GET /stats and GET /metrics; undefined: /stats is off. */
  readonly statsToken?: string;
  readonly adminIds: readonly number[];
  /** Where crisis alerts (never message text) go; undefined: nowhere. */
  readonly adminChatId?: number;
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  readonly backupDir: string;
}

/** Validates `env` (the merged environment) and returns a deep-frozen Config, or throws a
 * ConfigError listing every problem. */
export function loadConfig(
  env: Record<string, string | undefined>,
  opts: LoadConfigOptions = {},
): Config {
  const result = configSchema(new Set(opts.require ?? []), opts.cwd ?? ".").safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) =>
        issue.code === "custom"
          ? issue.message
          : `${String(issue.path[0])} is invalid: ${issue.message}`
      ),
    );
  }
  return deepFreeze(result.data);
}

/** A readable summary of the settings, one line each, that never contains a secret. */
export function configSummary(config: Config): string[] {
  const { openai, database, yookassa } = config;
  const set = (value: string | undefined) => (value ? "set (redacted)" : "not set");
  return [
    `ENV: ${config.env}`,
    `BOT_TOKEN: ${set(config.botToken)}`,
    `TELEGRAM_API_ROOT: ${redactUrl(config.telegramApiRoot)}`,
    `OPENAI_API_KEY: ${set(openai.apiKey)}`,
    `OPENAI_BASE_URL: ${openai.baseUrl ? redactUrl(openai.baseUrl) : "default (OpenAI)"}`,
    `OPENAI_MODEL: ${openai.model}, analysis: ${openai.analysisModel}, ` +
    `embeddings: ${openai.embeddingModel}`,
    `OPENAI_TIMEOUT_MS: ${openai.timeoutMs}, OPENAI_MAX_RETRIES: ${openai.maxRetries}`,
    `PROMPT_TOKEN_BUDGET: ${openai.promptTokenBudget}`,
    database.kind === "postgres"
      ? `database: postgres ${database.display}`
      : `database: embedded (PGlite) at ${database.dataDir}`,
    ...Object.entries(FLAG_NAMES).map(([key, name]) =>
      `${name}: ${describeFlag(config.flags[key as FlagKey])}`
    ),
    yookassa.shopId
      ? `YOOKASSA: shop ${yookassa.shopId}, secret key ${set(yookassa.secretKey)}, ` +
        `api ${redactUrl(yookassa.apiUrl)}`
      : "YOOKASSA: not configured (payments off)",
    `YOOKASSA_RETURN_URL: ${yookassa.returnUrl ? redactUrl(yookassa.returnUrl) : "not set"}`,
    `YOOKASSA_ALLOWED_IPS: ${yookassa.allowedIps.length} entries; TRUSTED_PROXIES: ${
      yookassa.trustedProxies.join(",") || "none"
    }; receipts: ${yookassa.receiptEmail ? "on" : "off"}`,
    `SUBSCRIPTION_PLANS: ${
      config.subscription.plans.map((p) => `${p.months}:${p.price}`).join(",")
    }; FREE_DAILY_MESSAGES: ${config.subscription.freeDailyMessages}; ` +
    `PAYMENT_TTL_MINUTES: ${config.subscription.paymentTtlMinutes}`,
    `API: ${config.api.host}:${config.api.port}; METRICS_PORT: ${
      config.metrics.port || "off"
    }; STATS_TOKEN: ${set(config.statsToken)}`,
    `ADMIN_IDS: ${config.adminIds.length} admin${config.adminIds.length === 1 ? "" : "s"}; ` +
    `ADMIN_CHAT_ID: ${config.adminChatId ?? "not set"}; moderation: ${
      openai.moderationModel ?? "off"
    }; safety judge: ${openai.safetyModel ?? "off"} (${openai.safetyTimeoutMs} ms)`,
    `LOG: level ${config.log.level}, format ${config.log.format}`,
    `BACKUP_DIR: ${config.backupDir}`,
  ];
}

/** Whether a variable holds a secret whose value must never be shown. */
export function isSecretName(name: string): boolean {
  return name === "DATABASE_URL" || /(^|_)(TOKEN|PASSWORD|KEY)$|(^|_)SECRET/.test(name);
}

/** Values copied from an example file that were never filled in. */
export function isPlaceholder(value: string): boolean {
  const whole = /^(<.*>|sk-x+|change[_-]?me|replace[_-]?me|placeholder|todo|x{3,})$/i;
  return /your[_-]|\.\.\.|…/i.test(value) || whole.test(value.trim());
}

const SECRET_HELP: Record<string, string> = {
  BOT_TOKEN: "set it to the token @BotFather gave you (format 123456:ABC...)",
  OPENAI_API_KEY: "set it to your OpenAI API key (or the key of your OpenAI-compatible server)",
  YOOKASSA_SECRET_KEY:
    "set it to the secret key from the YooKassa dashboard (Integration → API keys)",
  POSTGRES_PASSWORD: "set it to the database user's password, or remove it for trust login",
  STATS_TOKEN: "set it to a long random string (at least 16 characters), e.g. the output of " +
    "`openssl rand -hex 24`, or remove it to turn GET /stats off",
};
const SHOP_HELP = "set it to the numeric shopId from the YooKassa dashboard";
const ADMINS_HELP = "use Telegram user ids separated by commas, e.g. 12345,67890";
const DB_URL_HELP = "use postgres://user:password@host:5432/dbname, or remove it to use the " +
  "embedded database";

function configSchema(required: ReadonlySet<string>, cwd: string) {
  return z.object({
    ENV: field(choice("ENV", ["prod", "test", "local"] as const, "local")),
    BOT_TOKEN: field(secret("BOT_TOKEN", required, /^\d+:[A-Za-z0-9_-]{20,}$/)),
    TELEGRAM_API_ROOT: field(url("TELEGRAM_API_ROOT", "https://api.telegram.org")),
    OPENAI_API_KEY: field(secret("OPENAI_API_KEY", required)),
    OPENAI_BASE_URL: field(url("OPENAI_BASE_URL", undefined)),
    OPENAI_MODEL: field((v) => v ?? "gpt-4o-mini"),
    OPENAI_ANALYSIS_MODEL: field((v) => v ?? "gpt-4o"),
    OPENAI_EMBEDDING_MODEL: field((v) => v ?? "text-embedding-3-small"),
    OPENAI_MODERATION_MODEL: field((v) => v === "off" ? undefined : v ?? "omni-moderation-latest"),
    OPENAI_SAFETY_MODEL: field((v) => v === "off" ? undefined : v ?? "gpt-4.1-nano"),
    SAFETY_TIMEOUT_MS: field(int("SAFETY_TIMEOUT_MS", 1500, 100, 30_000, "milliseconds")),
    ADMIN_CHAT_ID: field(chatId),
    OPENAI_TIMEOUT_MS: field(int("OPENAI_TIMEOUT_MS", 30_000, 1, 3_600_000, "milliseconds")),
    OPENAI_MAX_RETRIES: field(int("OPENAI_MAX_RETRIES", 2, 0, 10, "retries after a failure")),
    OPENAI_PRICES: field(prices),
    PROMPT_TOKEN_BUDGET: field(
      int("PROMPT_TOKEN_BUDGET", 6000, 1000, 200_000, "tokens of prompt per answer"),
    ),
    DATABASE_URL: field(databaseUrl),
    POSTGRES_HOST: field((v) => v),
    POSTGRES_PORT: field(int("POSTGRES_PORT", 5432, 1, 65535, "a TCP port")),
    POSTGRES_DB: field((v) => v),
    POSTGRES_USER: field((v) => v),
    POSTGRES_PASSWORD: field(secret("POSTGRES_PASSWORD", required)),
    DATA_DIR: field((v) => v),
    USE_CHAT_COMPLETION: field(flag("USE_CHAT_COMPLETION", { mode: "on" })),
    ENABLE_STYLE_SETTINGS: field(flag("ENABLE_STYLE_SETTINGS", { mode: "on" })),
    ENABLE_PATTERN_ANALYSIS: field(flag("ENABLE_PATTERN_ANALYSIS", { mode: "off" })),
    ENABLE_ADAPTIVE_QUIZ: field(flag("ENABLE_ADAPTIVE_QUIZ", { mode: "off" })),
    YOOKASSA_SHOP_ID: field(shopId),
    YOOKASSA_SECRET_KEY: field(secret("YOOKASSA_SECRET_KEY", required)),
    YOOKASSA_API_URL: field(url("YOOKASSA_API_URL", "https://api.yookassa.ru/v3")),
    YOOKASSA_RETURN_URL: field(url("YOOKASSA_RETURN_URL", undefined)),
    YOOKASSA_ALLOWED_IPS: field(ipList("YOOKASSA_ALLOWED_IPS", YOOKASSA_IPS)),
    TRUSTED_PROXIES: field(ipList("TRUSTED_PROXIES", [])),
    YOOKASSA_RECEIPT_EMAIL: field(email),
    YOOKASSA_VAT_CODE: field(int("YOOKASSA_VAT_CODE", 1, 1, 12, "YooKassa's vat_code")),
    SUBSCRIPTION_PLANS: field(plans),
    FREE_DAILY_MESSAGES: field(
      int("FREE_DAILY_MESSAGES", 10, 1, 100_000, "assistant messages a day without a subscription"),
    ),
    PAYMENT_TTL_MINUTES: field(
      int("PAYMENT_TTL_MINUTES", 60, 5, 7 * 24 * 60, "minutes a payment stays open"),
    ),
    API_HOST: field((v) => v ?? "0.0.0.0"),
    API_PORT: field(int("API_PORT", 8080, 1, 65535, "a TCP port")),
    METRICS_PORT: field(int("METRICS_PORT", 9101, 0, 65535, "a TCP port; 0 turns it off")),
    STATS_TOKEN: field(secret("STATS_TOKEN", required, /^\S{16,}$/)),
    ADMIN_IDS: field(adminIds),
    LOG_LEVEL: field(choice("LOG_LEVEL", ["debug", "info", "warn", "error"] as const, undefined)),
    LOG_FORMAT: field(choice("LOG_FORMAT", ["json", "pretty"] as const, undefined)),
    BACKUP_DIR: field((v) => v ?? "./backups"),
  }).superRefine((c, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: "custom", message });
    if (c.DATABASE_URL.state === "unset" && c.POSTGRES_HOST) {
      const needs = "(needed with POSTGRES_HOST; or set DATABASE_URL instead)";
      if (!c.POSTGRES_DB) problem(`POSTGRES_DB is missing: set it to the database name ${needs}`);
      if (!c.POSTGRES_USER) problem(`POSTGRES_USER is missing: set it to the user name ${needs}`);
      if (c.POSTGRES_PASSWORD.state === "placeholder") placeholder("POSTGRES_PASSWORD", problem);
    }
    const key = c.YOOKASSA_SECRET_KEY.state;
    const both = "(set YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY together, or neither)";
    if (c.YOOKASSA_SHOP_ID && key === "placeholder") placeholder("YOOKASSA_SECRET_KEY", problem);
    if (c.YOOKASSA_SHOP_ID && key === "unset") {
      problem(`YOOKASSA_SECRET_KEY is missing: ${SECRET_HELP.YOOKASSA_SECRET_KEY} ${both}`);
    }
    if (c.STATS_TOKEN.state === "placeholder") placeholder("STATS_TOKEN", problem);
    if (!c.YOOKASSA_SHOP_ID && key === "set") {
      problem(`YOOKASSA_SHOP_ID is missing: ${SHOP_HELP} ${both}`);
    }
  }).transform((c): Config => {
    const env = c.ENV;
    const value = (s: Secret) => (s.state === "set" ? s.value : undefined);
    const shop = c.YOOKASSA_SHOP_ID;
    return {
      env,
      botToken: value(c.BOT_TOKEN),
      telegramApiRoot: c.TELEGRAM_API_ROOT,
      openai: {
        apiKey: value(c.OPENAI_API_KEY),
        baseUrl: c.OPENAI_BASE_URL,
        model: c.OPENAI_MODEL,
        analysisModel: c.OPENAI_ANALYSIS_MODEL,
        embeddingModel: c.OPENAI_EMBEDDING_MODEL,
        moderationModel: c.OPENAI_MODERATION_MODEL,
        safetyModel: c.OPENAI_SAFETY_MODEL,
        safetyTimeoutMs: c.SAFETY_TIMEOUT_MS,
        timeoutMs: c.OPENAI_TIMEOUT_MS,
        maxRetries: c.OPENAI_MAX_RETRIES,
        prices: c.OPENAI_PRICES,
        promptTokenBudget: c.PROMPT_TOKEN_BUDGET,
      },
      database: c.DATABASE_URL.state === "set"
        ? { kind: "postgres", url: c.DATABASE_URL.url, display: c.DATABASE_URL.display }
        : c.POSTGRES_HOST
        ? postgresUrl(c.POSTGRES_HOST, c.POSTGRES_PORT, c, value(c.POSTGRES_PASSWORD))
        : { kind: "pglite", dataDir: resolveDir(cwd, c.DATA_DIR ?? `./data/${env}`) },
      flags: {
        useChatCompletion: c.USE_CHAT_COMPLETION,
        enableStyleSettings: c.ENABLE_STYLE_SETTINGS,
        enablePatternAnalysis: c.ENABLE_PATTERN_ANALYSIS,
        enableAdaptiveQuiz: c.ENABLE_ADAPTIVE_QUIZ,
      },
      yookassa: {
        shopId: shop,
        secretKey: shop ? value(c.YOOKASSA_SECRET_KEY) : undefined,
        apiUrl: c.YOOKASSA_API_URL,
        returnUrl: c.YOOKASSA_RETURN_URL,
        allowedIps: c.YOOKASSA_ALLOWED_IPS,
        trustedProxies: c.TRUSTED_PROXIES,
        receiptEmail: c.YOOKASSA_RECEIPT_EMAIL,
        vatCode: c.YOOKASSA_VAT_CODE,
      },
      subscription: {
        plans: c.SUBSCRIPTION_PLANS,
        freeDailyMessages: c.FREE_DAILY_MESSAGES,
        paymentTtlMinutes: c.PAYMENT_TTL_MINUTES,
      },
      api: { host: c.API_HOST, port: c.API_PORT },
      metrics: { port: c.METRICS_PORT },
      statsToken: value(c.STATS_TOKEN),
      adminIds: c.ADMIN_IDS,
      adminChatId: c.ADMIN_CHAT_ID,
      log: {
        level: c.LOG_LEVEL ?? "info",
        format: c.LOG_FORMAT ?? (env === "prod" ? "json" : "pretty"),
      },
      backupDir: resolveDir(cwd, c.BACKUP_DIR),
    };
  });
}

type Report = (message: string) => void;
type Secret = { state: "unset" } | { state: "placeholder" } | { state: "set"; value: string };

// Every field yields a value even when invalid and reports with `continue: true`, so zod still
// runs the cross-field checks and all problems come out in one pass. Empty means unset.
function field<T>(read: (value: string | undefined, report: Report) => T) {
  return z.string().optional().transform((raw, ctx) =>
    read(
      raw?.trim() || undefined,
      (message) => ctx.addIssue({ code: "custom", message, continue: true }),
    )
  );
}

/** `NAME="value"`, or just `NAME` for a secret. */
// A URL-shaped value may carry credentials even in a non-secret variable: redact them too.
function show(name: string, value: string): string {
  if (isSecretName(name)) return name;
  const credentialed = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value) ||
    /[?&][^=&]*(?:pass|key|token|secret)/i.test(value);
  return credentialed
    ? `${name} (a URL with credentials, not shown)`
    : `${name}=${JSON.stringify(value)}`;
}

function placeholder(name: string, report: Report): void {
  report(`${name} is still a placeholder: ${SECRET_HELP[name] ?? "set it to the real value"}`);
}

function secret(name: string, required: ReadonlySet<string>, format?: RegExp) {
  return (v: string | undefined, report: Report): Secret => {
    const help = SECRET_HELP[name] ?? "set it to the real value";
    if (v !== undefined && isPlaceholder(v)) {
      if (required.has(name)) placeholder(name, report);
      return { state: "placeholder" };
    }
    if (v === undefined) {
      if (required.has(name)) report(`${name} is missing: ${help}`);
      return { state: "unset" };
    }
    if (format && !format.test(v)) report(`${name} is not in the expected format: ${help}`);
    return { state: "set", value: v };
  };
}

function choice<T extends string, D extends T | undefined>(
  name: string,
  options: readonly T[],
  fallback: D,
) {
  return (v: string | undefined, report: Report): T | D => {
    if (v === undefined) return fallback;
    const found = options.find((o) => o === v.toLowerCase());
    if (found === undefined) report(`${show(name, v)} is not valid: use ${orList(options)}`);
    return found ?? fallback;
  };
}

function url<D extends string | undefined>(name: string, fallback: D) {
  return (v: string | undefined, report: Report): string | D => {
    if (v === undefined) return fallback;
    const parsed = URL.canParse(v) ? new URL(v) : undefined;
    if (parsed?.protocol === "http:" || parsed?.protocol === "https:") return v.replace(/\/+$/, "");
    const example = fallback ?? "https://example.com";
    report(`${show(name, v)} is not a valid URL: use an http(s) address like ${example}`);
    return fallback;
  };
}

function prices(v: string | undefined, report: Report): PriceTable {
  if (v === undefined) return DEFAULT_PRICES;
  try {
    return { ...DEFAULT_PRICES, ...parsePriceTable(v) };
  } catch (err) {
    report(`OPENAI_PRICES is not valid: ${(err as Error).message}`);
    return DEFAULT_PRICES;
  }
}

function int(name: string, fallback: number, min: number, max: number, what: string) {
  return (v: string | undefined, report: Report): number => {
    if (v === undefined) return fallback;
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (n >= min && n <= max) return n;
    report(`${show(name, v)} is not valid: use a whole number from ${min} to ${max} (${what})`);
    return fallback;
  };
}

function flag(name: string, fallback: Flag) {
  return (v: string | undefined, report: Report): Flag => {
    const parsed = v === undefined ? fallback : parseFlag(v);
    if (parsed === undefined) {
      report(`${show(name, v ?? "")} is not a valid flag: use ${FLAG_FORMS}`);
    }
    return parsed ?? fallback;
  };
}

function ipList(name: string, fallback: readonly string[]) {
  return (v: string | undefined, report: Report): readonly string[] => {
    if (v === undefined) return fallback;
    const list = v.split(/[\s,]+/).filter(Boolean);
    try {
      validateRanges(list);
      return list;
    } catch (err) {
      report(
        `${name} is not valid: ${(err as Error).message}; use addresses or CIDR ranges ` +
          "separated by commas, e.g. 10.0.0.1,192.168.0.0/16",
      );
      return fallback;
    }
  };
}

function plans(v: string | undefined, report: Report): Plan[] {
  try {
    return parsePlans(v ?? DEFAULT_PLANS);
  } catch (err) {
    report(
      `SUBSCRIPTION_PLANS is not valid: ${(err as Error).message}; use months:roubles ` +
        `pairs separated by commas, e.g. ${DEFAULT_PLANS}`,
    );
    return parsePlans(DEFAULT_PLANS);
  }
}

function email(v: string | undefined, report: Report): string | undefined {
  if (v !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) {
    report(
      `${show("YOOKASSA_RECEIPT_EMAIL", v)} is not an email address: use e.g. ` +
        "receipts@example.com, or remove it to send payments without a receipt",
    );
    return undefined;
  }
  return v;
}

function chatId(v: string | undefined, report: Report): number | undefined {
  if (v === undefined) return undefined;
  const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (Number.isSafeInteger(n) && n !== 0) return n;
  report(`${show("ADMIN_CHAT_ID", v)} is not a chat id: use a number such as -1001234567890`);
  return undefined;
}

function shopId(v: string | undefined, report: Report): string | undefined {
  if (v !== undefined && !/^\d+$/.test(v)) {
    report(`${show("YOOKASSA_SHOP_ID", v)} is not a valid shop id: ${SHOP_HELP}`);
  }
  return v;
}

function adminIds(v: string | undefined, report: Report): number[] {
  const ids = new Set<number>();
  for (const part of (v ?? "").split(/[\s,]+/).filter(Boolean)) {
    const id = /^\d+$/.test(part) ? Number(part) : 0;
    if (id > 0 && Number.isSafeInteger(id)) ids.add(id);
    else {report(
        `ADMIN_IDS contains ${JSON.stringify(part)}, which is not a user id: ${ADMINS_HELP}`,
      );}
  }
  return [...ids];
}

type DatabaseUrl =
  | { state: "unset" | "invalid" }
  | { state: "set"; url: string; display: string };

function databaseUrl(v: string | undefined, report: Report): DatabaseUrl {
  if (v === undefined) return { state: "unset" };
  if (isPlaceholder(v)) {
    report(`DATABASE_URL is still a placeholder: ${DB_URL_HELP}`);
    return { state: "invalid" };
  }
  const u = URL.canParse(v) ? new URL(v) : undefined;
  if (u?.protocol !== "postgres:" && u?.protocol !== "postgresql:") {
    report(`DATABASE_URL is not a valid PostgreSQL URL: ${DB_URL_HELP}`);
    return { state: "invalid" };
  }
  return { state: "set", url: v, display: redactUrl(v) };
}

// User, password and database name are URL-encoded: passwords often hold `@`, `:` or `/`.
function postgresUrl(
  host: string,
  port: number,
  names: { POSTGRES_DB?: string; POSTGRES_USER?: string },
  password: string | undefined,
): DatabaseConfig {
  const enc = encodeURIComponent;
  const server = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  const user = enc(names.POSTGRES_USER ?? "");
  const make = (pw: string | undefined) =>
    `postgres://${user}${pw ? `:${pw}` : ""}@${server}:${port}/${enc(names.POSTGRES_DB ?? "")}`;
  return {
    kind: "postgres",
    url: make(password && enc(password)),
    display: make(password && "***"),
  };
}

/** The URL with any password (user info or `password=` parameter) replaced by `***`. */
function redactUrl(text: string): string {
  if (!URL.canParse(text)) return text;
  const u = new URL(text);
  const creds = u.username ? `${u.username}${u.password ? ":***" : ""}@` : "";
  const path = u.pathname === "/" && !text.endsWith("/") ? "" : u.pathname;
  const query = u.search.replace(/([?&][^=&]*(?:pass|key|token|secret)[^=&]*=)[^&]*/gi, "$1***");
  return `${u.protocol}//${creds}${u.host}${path}${query}`;
}

function resolveDir(cwd: string, dir: string): string {
  if (isAbsolute(dir)) return dir;
  const joined = join(cwd, dir);
  return isAbsolute(joined) || joined === "." || joined.startsWith("..") ? joined : `./${joined}`;
}

function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
