import assert from "node:assert/strict";
import { Api } from "grammy";
import type { Update } from "grammy/types";
import { memoryLogger } from "../log.ts";
import { OUTAGE_TAP, outageMessage, outageNotices } from "./outage.ts";

function fakeApi(failing: Set<string> = new Set()) {
  const calls: { method: string; payload: Record<string, unknown> }[] = [];
  const api = new Api("1:test", { apiRoot: "http://127.0.0.1:9" });
  api.config.use((_prev, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    const ok = !failing.has(method);
    // deno-lint-ignore no-explicit-any -- a transformer may return any API response shape
    return Promise.resolve((ok ? { ok, result: true } : { ok, error_code: 502 }) as any);
  });
  return { api, calls };
}

const chat = (id: number, type = "private") => ({ id, type, first_name: "Вера" });
const text = (updateId: number, chatId: number, type?: string) =>
  ({
    update_id: updateId,
    message: { message_id: updateId, date: 1, chat: chat(chatId, type), text: "привет" },
  }) as unknown as Update;
const press = (updateId: number, chatId: number) =>
  ({
    update_id: updateId,
    callback_query: { id: `q${updateId}`, chat_instance: "c", data: "menu", from: chat(chatId) },
  }) as unknown as Update;

Deno.test("outage: presses get the toast and each chat one notice, however often the batch comes back", async () => {
  const { api, calls } = fakeApi();
  const log = memoryLogger();
  const notices = outageNotices(api, log, "8-800-2000-122");
  const batch = [text(1, 10), text(2, 10), press(3, 10), text(4, 20), text(5, -30, "group")];
  await notices.failed(batch);
  await notices.failed([...batch, press(6, 20)]);
  assert.deepEqual(
    calls.map((c) => [c.method, c.payload.callback_query_id ?? c.payload.chat_id]),
    [
      ["answerCallbackQuery", "q3"],
      ["sendMessage", 10],
      ["sendMessage", 20],
      ["answerCallbackQuery", "q6"],
    ],
  );
  assert.equal(calls[0]!.payload.text, OUTAGE_TAP);
  assert.equal(calls[1]!.payload.text, outageMessage("8-800-2000-122"));
  assert.match(outageMessage("8-800-2000-122"), /8-800-2000-122/);
  assert.ok(OUTAGE_TAP.length <= 200, "a toast holds 200 characters");
  // Stored at last: the next outage tells the chats again; the stored presses are forgotten.
  notices.stored(batch);
  calls.length = 0;
  await notices.failed([text(7, 10)]);
  assert.deepEqual(calls.map((c) => c.payload.chat_id), [10]);
  assert.ok(!log.lines.some((l) => l.includes("привет")), "no message text in the log");
});

Deno.test("outage: a slow store answers the presses only; a failure after it does not answer them again", async () => {
  const { api, calls } = fakeApi();
  const notices = outageNotices(api, memoryLogger(), "051");
  const batch = [text(1, 10), press(2, 10)];
  await notices.slow(batch);
  assert.deepEqual(calls.map((c) => c.method), ["answerCallbackQuery"]);
  await notices.failed(batch);
  assert.deepEqual(calls.map((c) => c.method), ["answerCallbackQuery", "sendMessage"]);
});

Deno.test("outage: what Telegram did not take is tried again with the next failure, one WARN", async () => {
  const failing = new Set(["answerCallbackQuery", "sendMessage"]);
  const { api, calls } = fakeApi(failing);
  const log = memoryLogger();
  const notices = outageNotices(api, log, "051");
  const batch = [text(1, 10), press(2, 10)];
  await notices.failed(batch);
  await notices.failed(batch);
  assert.equal(calls.length, 4);
  assert.equal(log.lines.filter((l) => l.startsWith("WARN")).length, 1, log.lines.join("\n"));
  failing.clear();
  await notices.failed(batch);
  assert.equal(calls.length, 6);
  await notices.failed(batch);
  assert.equal(calls.length, 6, "told once");
});
