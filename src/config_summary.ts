// The configuration as a readable summary (check-config prints it), one line per setting, in
// which no secret value appears.

import type { Config } from "./config.ts";
import { describeFlag, FLAG_NAMES, type FlagKey } from "./flags.ts";
import { redactUrl } from "./redact.ts";

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
    `WEBHOOK: ${config.webhook.receiver ? "receiver on (secrets set)" : "off"}; WEBHOOK_URL: ${
      config.webhook.url ? redactUrl(config.webhook.url) : "not set"
    }`,
    `UPDATE_TIMEOUT_SECONDS: ${config.inbox.updateTimeoutSeconds}`,
    `ADMIN_IDS: ${config.adminIds.length} admin${config.adminIds.length === 1 ? "" : "s"}; ` +
    `ADMIN_CHAT_ID: ${config.adminChatId ?? "not set"}; moderation: ${
      openai.moderationModel ?? "off"
    }; safety judge: ${openai.safetyModel ?? "off"} (${openai.safetyTimeoutMs} ms)`,
    `LOG: level ${config.log.level}, format ${config.log.format}`,
    `BACKUP_DIR: ${config.backupDir}`,
  ];
}

/** The start-up line: ENV, the env files read and every flag, e.g. `ENV=prod (.env.prod); …`. */
export function configLine(config: Config, files: readonly string[]): string {
  const flags = Object.entries(FLAG_NAMES)
    .map(([key, name]) => `${name}=${describeFlag(config.flags[key as FlagKey])}`)
    .join(" ");
  return `ENV=${config.env} (${files.join(", ") || "no env file"}); ${flags}`;
}
