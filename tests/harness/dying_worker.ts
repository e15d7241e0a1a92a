// A worker that dies mid-answer, for tests of interrupted answers: one "on another machine" takes
// an update from the inbox and starts handling it; the handling is then abandoned — it waits for
// a model that never goes on — and its lease runs out, so the test bot's own worker takes the
// update up again. The abandoned handling ends when the OpenAI mock closes (a test checks it
// then changes nothing).

import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import type { TestBot } from "./bot.ts";
import { claimUpdates } from "../../src/inbox/inbox.ts";

/** Resolves once `check` holds (polled), or fails after `timeoutMs`. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error("Timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A worker on another machine takes `update` and starts handling it; it dies once the answer's
 * first message is shown and recorded. `abandoned`: its handling, which ends when the OpenAI mock
 * closes (wrapped: an async function would wait for a promise it returns).
 */
export async function takenByDyingWorker(
  t: TestBot,
  update: Update,
): Promise<{ abandoned: Promise<void> }> {
  assert.equal(await t.worker.enqueue([update]), 1);
  const [row] = await claimUpdates(t.db, "elsewhere:4242:dying", 1, 30_000);
  assert.equal(row?.updateId, update.update_id);
  const abandoned = t.bot.handleUpdate(row!.payload as Update);
  await until(async () => (await shownBy(t, update.update_id)).length > 0);
  return { abandoned };
}

/** The messages the delivery of `updateId` records. */
export async function shownBy(t: TestBot, updateId: number): Promise<number[]> {
  const [row] = await t.db.query<{ message_ids: number[] }>(
    "SELECT message_ids FROM answer_deliveries WHERE update_id = $1",
    [updateId],
  );
  return row?.message_ids ?? [];
}

/** Its lease runs out, as it does for a worker that died. */
export async function leaseRunsOut(t: TestBot) {
  await t.db.query("UPDATE inbox SET lease_until = now() - interval '1 second'");
}

/** What each message finally shows, by message id, in the order the messages appeared. */
export function finalTexts(t: TestBot): Map<number, string> {
  const shown = new Map<number, string>();
  for (const c of t.api.calls) {
    if (c.method === "sendMessage") {
      shown.set((c.result as { message_id: number }).message_id, String(c.payload.text));
    }
    if (c.method === "editMessageText") {
      shown.set(Number(c.payload.message_id), String(c.payload.text));
    }
  }
  return shown;
}
