// `soulbot webhook set|delete|info`: points Telegram at the api's receiver
// (WEBHOOK_URL + /telegram/<WEBHOOK_PATH_SECRET>, with WEBHOOK_SECRET_TOKEN and the update kinds
// the bot handles), takes it away again (back to long polling), or shows what Telegram has —
// never a secret: the path's secret part is printed as ***.

import { Api, GrammyError } from "grammy";
import type { WebhookInfo } from "grammy/types";
import { UsageError } from "../errors.ts";
import { parseCommandArgs } from "./args.ts";
import { type Command, EXIT_OK } from "./command.ts";
import { loadCliConfig } from "./setup.ts";

const help = `Usage: soulbot webhook set|delete|info [--drop-pending]

Telegram's webhook, for running on several machines: \`soulbot api\` receives updates at
POST /telegram/<WEBHOOK_PATH_SECRET> and stores them; \`soulbot worker\` processes answer them.

  set      tells Telegram to post updates to WEBHOOK_URL/telegram/<WEBHOOK_PATH_SECRET> with
           WEBHOOK_SECRET_TOKEN, for the update kinds the bot handles (message,
           callback_query, my_chat_member).
           Long polling (\`soulbot bot\`) is refused by Telegram from then on.
  delete   removes the webhook: \`soulbot bot\` receives by long polling again. Updates Telegram
           still holds are delivered to the next poll (--drop-pending: thrown away instead).
  info     what Telegram has: the address (its secret part as ***), updates waiting, the last
           delivery error.

Needs BOT_TOKEN; set needs WEBHOOK_URL, WEBHOOK_PATH_SECRET and WEBHOOK_SECRET_TOKEN.

Examples:
  ENV=prod soulbot webhook set
  soulbot webhook info
  soulbot webhook delete

Exit codes: 0 done, 1 failure (Telegram refused or cannot be reached), 2 usage error.`;

/** The update kinds the bot's middleware handles; Telegram sends no others. */
export const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;

export const command: Command = {
  name: "webhook",
  summary: "set, delete or show Telegram's webhook (the api receives; workers answer)",
  help,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs("webhook", args, {
      "drop-pending": { type: "boolean" },
    }, true);
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    const [action, ...extra] = positionals;
    if (!action || !["set", "delete", "info"].includes(action) || extra.length) {
      throw new UsageError("soulbot webhook: say set, delete or info. See soulbot webhook --help");
    }
    const { config } = await loadCliConfig(io, ["BOT_TOKEN"]);
    const api = new Api(config.botToken, { apiRoot: config.telegramApiRoot });
    const hide = (url: string) => url.replace(/\/telegram\/[^/?#]+/, "/telegram/***");
    try {
      if (action === "set") {
        const { url, receiver } = config.webhook;
        if (!url || !receiver) {
          throw new Error(
            "soulbot webhook set needs WEBHOOK_URL (the api's public https address), " +
              "WEBHOOK_PATH_SECRET and WEBHOOK_SECRET_TOKEN; see .env.example",
          );
        }
        const target = `${url}/telegram/${receiver.pathSecret}`;
        await api.setWebhook(target, {
          secret_token: receiver.secretToken,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        io.out(
          `Webhook set: ${hide(target)} (secret token set; updates: ${ALLOWED_UPDATES.join(", ")})`,
        );
        io.out(
          "Run `soulbot worker` processes to answer; `soulbot bot` is refused while it is set.",
        );
      } else if (action === "delete") {
        await api.deleteWebhook({ drop_pending_updates: values["drop-pending"] ?? false });
        io.out("Webhook removed: `soulbot bot` receives by long polling again.");
      } else {
        for (const line of describe(await api.getWebhookInfo(), hide)) io.out(line);
      }
    } catch (err) {
      if (err instanceof GrammyError) {
        throw new Error(`Telegram refused ${action}: ${err.description}`);
      }
      throw err;
    }
    return EXIT_OK;
  },
};

function describe(info: WebhookInfo, hide: (url: string) => string): string[] {
  if (!info.url) {
    return [
      "No webhook set: updates are received by long polling (`soulbot bot`).",
      `Updates waiting at Telegram: ${info.pending_update_count}`,
    ];
  }
  const lines = [
    `URL: ${hide(info.url)}`,
    `Updates waiting at Telegram: ${info.pending_update_count}`,
    `Allowed updates: ${info.allowed_updates?.join(", ") ?? "Telegram's default"}`,
  ];
  if (info.max_connections) lines.push(`Max connections: ${info.max_connections}`);
  if (info.ip_address) lines.push(`IP address: ${info.ip_address}`);
  if (info.last_error_date) {
    const when = new Date(info.last_error_date * 1000).toISOString();
    lines.push(`Last delivery error: ${when} ${info.last_error_message ?? ""}`.trimEnd());
  } else lines.push("Last delivery error: none");
  return lines;
}
