// Telegram's webhook: POST /telegram/<WEBHOOK_PATH_SECRET>. Telegram sends the secret token it
// was given (`soulbot webhook set`) in X-Telegram-Bot-Api-Secret-Token; both secrets are compared
// in constant time. An accepted update is stored in the durable inbox — one INSERT, a redelivery
// ignored — and answered 200 at once; `soulbot worker` processes answer it. Anything else stores
// nothing: a wrong path 404 (as any unknown path), a wrong or missing token 401, a body that is
// not an update 400, and a database that cannot store it 503, so Telegram delivers it again.

import { createHash, timingSafeEqual } from "node:crypto";
import type { Env, Hono } from "hono";
import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import { addToInbox } from "../inbox/inbox.ts";
import { inboxItem } from "../inbox/incoming.ts";

export interface WebhookDeps {
  db: Db;
  log: Logger;
  pathSecret: string;
  secretToken: string;
}

/** What the request log shows for the webhook's path: never the secret. */
export const WEBHOOK_ROUTE = "/telegram/***";

export function addWebhook<E extends Env>(app: Hono<E>, d: WebhookDeps): void {
  app.post("/telegram/:secret", async (c) => {
    if (!sameSecret(c.req.param("secret"), d.pathSecret)) {
      return c.json({ error: "not found" }, 404);
    }
    const token = c.req.header("x-telegram-bot-api-secret-token") ?? "";
    if (!sameSecret(token, d.secretToken)) {
      d.log.warn("Refused a webhook request without the right secret token");
      return c.json({ error: "unauthorized" }, 401);
    }
    const update = await c.req.json().catch(() => undefined);
    if (!isUpdate(update)) return c.json({ error: "not a Telegram update" }, 400);
    try {
      await addToInbox(d.db, [inboxItem(update)]);
    } catch (err) {
      d.log.warn("Cannot store an update from the webhook; Telegram sends it again", {
        update_id: update.update_id,
        err,
      });
      return c.json({ error: "unavailable" }, 503);
    }
    return c.body(null, 200);
  });
}

function isUpdate(body: unknown): body is { update_id: number } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  const id = (body as { update_id?: unknown }).update_id;
  return typeof id === "number" && Number.isSafeInteger(id) && id >= 0;
}

/**
 * Equal strings, compared in time that depends neither on where they differ nor on their lengths
 * (their SHA-256 digests are compared, which always have the same length).
 */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
