// A lean fake of the Telegram Bot API for bench:bot (bench/fake_api_process.ts): getUpdates long
// polling from a queue (an offset confirms what is below it; unconfirmed updates are handed out
// again, as Telegram does), a new message id for every message sent, `true` for the rest. Unlike
// tests/harness/fake_bot_api.ts it keeps no record of calls: each call goes to `onCall` once, with
// the parsed payload as it came (not copied), and each update's first hand-out to `onServed`.
// A waiting getUpdates is woken by `push` at once (no polling interval adds to the latency).

import type { Update } from "grammy/types";
import { BOT_INFO } from "../tests/harness/telegram.ts";

export interface FakeTelegram {
  /** Value for TELEGRAM_API_ROOT. */
  readonly apiRoot: string;
  push(updates: readonly Update[]): void;
  close(): Promise<void>;
}

export interface FakeTelegramHooks {
  /** Every call but getUpdates: method, payload, when (performance.now()), the message id sent. */
  onCall(method: string, payload: Record<string, unknown>, at: number, sentId?: number): void;
  /** An update handed out by getUpdates for the first time. */
  onServed(update: Update, at: number): void;
}

/** The longest a getUpdates waits for updates (Telegram allows 50 s; short, to stop quickly). */
const MAX_POLL_MS = 2_000;

export function startFakeTelegram(hooks: FakeTelegramHooks): FakeTelegram {
  // Pending updates in id order; `head` is the first not yet confirmed (no shifting per call).
  let queue: Update[] = [];
  let head = 0;
  let servedUpTo = 0; // index in `queue` below which every update was handed out once
  let messageId = 1_000;
  let wake: PromiseWithResolvers<void> | undefined;
  const ok = (result: unknown) => Response.json({ ok: true, result });
  const date = () => Math.floor(Date.now() / 1000);

  const getUpdates = async (payload: Record<string, unknown>) => {
    const offset = Number(payload.offset ?? 0);
    while (head < queue.length && queue[head]!.update_id < offset) head++;
    if (head > 4096 && head * 2 > queue.length) {
      queue = queue.slice(head);
      servedUpTo = Math.max(0, servedUpTo - head);
      head = 0;
    }
    const limit = Math.min(Number(payload.limit ?? 100) || 100, 100);
    const deadline = performance.now() + Math.min(Number(payload.timeout ?? 0) * 1000, MAX_POLL_MS);
    while (head >= queue.length) {
      const left = deadline - performance.now();
      if (left <= 0) return ok([]);
      wake ??= Promise.withResolvers();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        wake.promise,
        new Promise<void>((r) => timer = setTimeout(r, left)),
      ]);
      clearTimeout(timer);
    }
    const ready = queue.slice(head, head + limit);
    const at = performance.now();
    for (let i = Math.max(head, servedUpTo); i < head + ready.length; i++) {
      hooks.onServed(queue[i]!, at);
    }
    servedUpTo = Math.max(servedUpTo, head + ready.length);
    return ok(ready);
  };

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const method = path.slice(path.lastIndexOf("/") + 1);
    const text = req.method === "POST" ? await req.text() : "";
    const payload = text ? JSON.parse(text) as Record<string, unknown> : {};
    if (method === "getUpdates") return await getUpdates(payload);
    const at = performance.now();
    switch (method) {
      case "getMe":
        hooks.onCall(method, payload, at);
        return ok(BOT_INFO);
      case "getWebhookInfo":
        hooks.onCall(method, payload, at);
        return ok({ url: "", has_custom_certificate: false, pending_update_count: 0 });
      case "sendMessage":
      case "sendPhoto":
      case "sendDocument": {
        const id = messageId++;
        hooks.onCall(method, payload, at, id);
        const chat = { id: Number(payload.chat_id), type: "private", first_name: "User" };
        return ok({ message_id: id, date: date(), chat, text: payload.text });
      }
      case "editMessageText": {
        hooks.onCall(method, payload, at);
        const chat = { id: Number(payload.chat_id), type: "private", first_name: "User" };
        return ok({ message_id: payload.message_id, date: date(), chat, text: payload.text });
      }
      default: // answerCallbackQuery, sendMessageDraft, sendChatAction, setMyCommands, ...
        hooks.onCall(method, payload, at);
        return ok(true);
    }
  });
  return {
    apiRoot: `http://127.0.0.1:${server.addr.port}`,
    push(updates) {
      for (const u of updates) queue.push(u);
      wake?.resolve();
      wake = undefined;
    },
    close: () => server.shutdown(),
  };
}
