// A local fake of the Telegram Bot API over HTTP, for running the real `soulbot bot` process:
// serves getMe and long-polled getUpdates from a queue (an offset confirms what is below it, as
// Telegram's does), records every call, and can answer getUpdates with 409 Conflict (another
// instance), delay replies to chosen texts, hold every reply until released or dropped (its
// sender was killed before Telegram processed it), or refuse message drafts (answers are then
// streamed by editing a message). setWebhook turns it into a webhook sender: queued updates are
// posted one at a time, in order, to the webhook's URL with its secret token (a delivery that is
// not 2xx is tried again, as Telegram does), and getUpdates answers 409.
// A button press takes one answer, as Telegram's does: a second is refused as too old (recorded
// as answerCallbackQuery:refused). getUpdates hands out at most `limit` (100) updates at a time;
// each call and each update's first hand-out is timed.

import { type ApiCall, BOT_INFO } from "./telegram.ts";
import type { Update } from "grammy/types";

const TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid";

export interface FakeBotApi extends AsyncDisposable {
  /** Value for TELEGRAM_API_ROOT. */
  apiRoot: string;
  calls: ApiCall[];
  /** When each update was first handed out by getUpdates (performance.now()). */
  served: ReadonlyMap<number, number>;
  /** Every bot token the API was called with. */
  tokens: Set<string>;
  push(...updates: Update[]): void;
  /** Serve this update again even though its id was confirmed (as after a crash). */
  redeliver(update: Update): void;
  /** Every later getUpdates answers 409 Conflict. */
  conflict(): void;
  /** The highest offset getUpdates was called with: every update below it is confirmed. */
  readonly confirmed: number;
  /** While held, sendMessage waits; released, it goes on. */
  holdReplies(held: boolean): void;
  /** The replies held now are never delivered (recorded as sendMessage:dropped). */
  dropHeldReplies(): void;
  /** Resolves when `predicate` holds for the recorded calls (checked on every call). */
  waitFor(predicate: (calls: ApiCall[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Every webhook delivery: the update's id and the receiver's status (0: unreachable). */
  deliveries: { update_id: number; status: number }[];
  close(): Promise<void>;
}

export interface FakeBotApiOptions {
  /** Address to listen on (default 127.0.0.1; the Docker stage serves containers on the host's). */
  hostname?: string;
  replyDelayMs?: (text: string) => number;
  rejectToken?: boolean;
  /** Whether message drafts are accepted (default yes); refused, the bot streams by edits. */
  drafts?: boolean;
}

export function startFakeBotApi(opts: FakeBotApiOptions = {}): FakeBotApi {
  const calls: ApiCall[] = [];
  const tokens = new Set<string>();
  const queue: Update[] = [];
  const waiters = new Set<() => void>();
  let conflict = false;
  let confirmed = 0;
  let held: PromiseWithResolvers<"deliver" | "drop"> | undefined;
  let messageId = 1;
  let webhook: { url: string; secret?: string; allowed?: unknown } | undefined;
  const deliveries: FakeBotApi["deliveries"] = [];
  let pumping = false;
  let closed = false;
  /** Posts queued updates to the webhook, oldest first, each until the receiver takes it. */
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (webhook && queue.length && !closed) {
        const update = queue[0]!;
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (webhook.secret) headers["x-telegram-bot-api-secret-token"] = webhook.secret;
        let status = 0;
        try {
          const res = await fetch(webhook.url, {
            method: "POST",
            headers,
            body: JSON.stringify(update),
          });
          status = res.status;
          await res.body?.cancel();
        } catch { /* unreachable: tried again */ }
        deliveries.push({ update_id: update.update_id, status });
        notify();
        if (status >= 200 && status < 300) queue.shift();
        else await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      pumping = false;
    }
  };
  const notify = () => [...waiters].forEach((w) => w());

  const hostname = opts.hostname ?? "127.0.0.1";
  const server = Deno.serve({ hostname, port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const method = path.split("/").pop() ?? "";
    const token = /^\/bot([^/]+)\//.exec(path)?.[1];
    if (token) tokens.add(token);
    const payload = await readPayload(req);
    if (method !== "getUpdates") {
      calls.push({ method, payload, at: performance.now() });
      notify();
    }
    const ok = (result: unknown) => Response.json({ ok: true, result });
    if (opts.rejectToken) {
      return Response.json({ ok: false, error_code: 401, description: "Unauthorized" }, {
        status: 401,
      });
    }
    switch (method) {
      case "getMe":
        return ok(BOT_INFO);
      case "setWebhook":
        webhook = {
          url: String(payload.url),
          secret: payload.secret_token as string | undefined,
          allowed: payload.allowed_updates,
        };
        pump();
        return ok(true);
      case "deleteWebhook":
        webhook = undefined;
        return ok(true);
      case "getWebhookInfo":
        return ok({
          url: webhook?.url ?? "",
          has_custom_certificate: false,
          pending_update_count: queue.length,
          ...(webhook ? { allowed_updates: webhook.allowed, max_connections: 40 } : {}),
        });
      case "getUpdates": {
        if (webhook) {
          return Response.json({
            ok: false,
            error_code: 409,
            description:
              "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          }, { status: 409 });
        }
        if (conflict) {
          return Response.json({
            ok: false,
            error_code: 409,
            description:
              "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
          }, { status: 409 });
        }
        const offset = Number(payload.offset ?? 0);
        confirmed = Math.max(confirmed, offset);
        // The offset confirms every update below it.
        queue.splice(
          0,
          queue.length,
          ...queue.filter((u) => u.update_id >= offset || redelivered.has(u)),
        );
        const deadline = Date.now() + Math.min(Number(payload.timeout ?? 0), 2) * 1000;
        const limit = Number(payload.limit ?? 100);
        for (;;) {
          const ready = queue.filter((u) => u.update_id >= offset || redelivered.has(u))
            .slice(0, limit);
          if (ready.length || Date.now() >= deadline) {
            const now = performance.now();
            for (const u of ready) {
              redelivered.delete(u);
              if (!served.has(u.update_id)) served.set(u.update_id, now);
            }
            // Served updates stay until an offset above them confirms them.
            queue.splice(0, queue.length, ...queue.filter((u) => u.update_id >= offset));
            return ok(ready);
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      case "sendMessage": {
        const delay = opts.replyDelayMs?.(String(payload.text ?? "")) ?? 0;
        if (delay) await new Promise((r) => setTimeout(r, delay));
        if (held && await held.promise === "drop") {
          calls.push({ method: "sendMessage:dropped", payload });
          notify();
          return new Response(null, { status: 499 });
        }
        const sent = {
          message_id: messageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: payload.chat_id, type: "private" },
          text: payload.text,
        };
        calls.push({ method: "sendMessage:done", payload, result: sent, at: performance.now() });
        notify();
        return ok(sent);
      }
      case "sendMessageDraft":
        if (opts.drafts !== false) return ok(true);
        return Response.json({
          ok: false,
          error_code: 400,
          description: "Bad Request: method is not available",
        }, { status: 400 });
      case "answerCallbackQuery": {
        // Telegram takes one answer per press; a later one is refused as too old.
        const id = String(payload.callback_query_id);
        if (!answered.has(id)) return answered.add(id), ok(true);
        calls.push({ method: "answerCallbackQuery:refused", payload });
        notify();
        return Response.json({ ok: false, error_code: 400, description: TOO_OLD }, {
          status: 400,
        });
      }
      default:
        return ok(true);
    }
  });
  const answered = new Set<string>();
  const served = new Map<number, number>();
  const redelivered = new Set<Update>();
  const addr = server.addr as Deno.NetAddr;
  const api: FakeBotApi = {
    apiRoot: `http://${hostname}:${addr.port}`,
    calls,
    tokens,
    served,
    deliveries,
    push(...updates) {
      queue.push(...updates);
      if (webhook) pump();
    },
    redeliver(update) {
      redelivered.add(update);
      if (!queue.includes(update)) queue.push(update);
    },
    conflict: () => void (conflict = true),
    get confirmed() {
      return confirmed;
    },
    holdReplies(hold) {
      if (hold) held ??= Promise.withResolvers();
      else {
        held?.resolve("deliver");
        held = undefined;
      }
    },
    dropHeldReplies() {
      held?.resolve("drop");
      held = Promise.withResolvers();
    },
    waitFor(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(calls)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`Timed out; calls so far: ${calls.map((c) => c.method).join(", ")}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      closed = true;
      api.holdReplies(false);
      await server.shutdown();
    },
    [Symbol.asyncDispose]: () => api.close(),
  };
  return api;
}

/** A call's parameters: JSON, or multipart form data when a file is uploaded (sendDocument). */
async function readPayload(req: Request): Promise<Record<string, unknown>> {
  if (req.headers.get("content-type")?.startsWith("multipart/form-data")) {
    const payload: Record<string, unknown> = {};
    for (const [key, value] of await req.formData()) {
      payload[key] = typeof value === "string" ? value : `<file ${value.name}>`;
    }
    return payload;
  }
  const text = await req.text();
  return text ? JSON.parse(text) as Record<string, unknown> : {};
}
