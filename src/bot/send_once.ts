// A message is sent once per update, even when the update is handled again: its worker died after
// Telegram took a reply but before the update was marked done, or it failed after replying and is
// retried. Each message an update sends is recorded (update_sends, migrations/0013: the n-th
// message, a digest of its chat and text, Telegram's id); a later run of the same update that
// sends the same n-th message to the same chat gets the recorded message back instead of sending
// it again. Only identical messages are skipped, so a run that says something else says it, and a
// message the run found gone (deleted by the user: an edit of it failed) is sent anew. Marking the
// update done or parked forgets its records.
//
// Round trips: an update taken for the first time (ctx.firstRun, from the inbox's claim) has sent
// nothing before, so nothing is read. And a record is written only if it may be needed: when the
// run fails (before the failure is reported), or when the run is still going RECORD_AFTER_MS after
// the send (a long answer, which a dying worker could leave half done). A quick update that ends
// well writes none — done forgets them anyway. What remains is a worker that dies within
// RECORD_AFTER_MS of a send, or cannot mark a finished update done: that update is handled again
// and may repeat its message.

import type { MiddlewareFn } from "grammy";
import type { Queryable } from "../db/db.ts";
import type { BotContext } from "./context.ts";

interface Sent {
  seq: number;
  digest: string;
  message_id: number;
  date: number;
}

/** How long a run may go on after a send before the send is recorded. */
export const RECORD_AFTER_MS = 200;

interface SendRecord {
  seq: number;
  digest: () => Promise<string>;
  message_id: number;
}

export function sendOnce(db: Queryable): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    let seq = 0;
    /** What earlier runs of this update sent; read at its first message (none at a first run). */
    let earlier: Promise<Sent[]> | undefined = ctx.firstRun ? Promise.resolve([]) : undefined;
    /** Sends not recorded yet, and the timer that records them if the run goes on. */
    let unrecorded: SendRecord[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const record = async () => {
      clearTimeout(timer);
      timer = undefined;
      const rows = unrecorded;
      unrecorded = [];
      if (rows.length === 0) return;
      await db.query(
        `INSERT INTO update_sends (update_id, seq, digest, message_id)
         SELECT $1, x.seq, x.digest, x.message_id
         FROM jsonb_to_recordset($2::jsonb) AS x(seq int, digest text, message_id bigint)
         ON CONFLICT (update_id, seq) DO UPDATE
           SET digest = excluded.digest, message_id = excluded.message_id`,
        [updateId, await Promise.all(rows.map(async (r) => ({ ...r, digest: await r.digest() })))],
      ).catch((err) => ctx.log.warn("Cannot record a message sent", { err }));
    };
    /** Messages this run found gone (deleted, too old to edit): sent before, but not there. */
    const gone = new Set<number>();
    ctx.api.config.use(async (prev, method, payload, signal) => {
      if (method !== "sendMessage") {
        const res = await prev(method, payload, signal);
        const id = (payload as { message_id?: number }).message_id;
        if (id !== undefined && (method === "deleteMessage" ? res.ok : isGone(res))) gone.add(id);
        return res;
      }
      const n = ++seq;
      const p = payload as { chat_id: number | string; text: string };
      // The digest is made only when it is compared or recorded: a first run that ends well
      // needs none.
      const digest = () => sha256(`${p.chat_id}\n${p.text}`);
      earlier ??= db.query<Sent>(
        `SELECT seq, digest, message_id, extract(epoch FROM sent_at)::bigint AS date
         FROM update_sends WHERE update_id = $1`,
        [updateId],
      );
      const sentBefore = (await earlier).filter((s) => s.seq === n);
      const mine = sentBefore.length > 0 ? await digest() : "";
      const before = sentBefore.find((s) => s.digest === mine && !gone.has(Number(s.message_id)));
      if (before) {
        ctx.log.debug("A message this update sent before is not sent again", { seq: n });
        const message = {
          message_id: Number(before.message_id),
          date: Number(before.date),
          chat: { id: Number(p.chat_id), type: "private" },
          text: p.text,
        };
        // deno-lint-ignore no-explicit-any -- a transformer may return any API response shape
        return { ok: true, result: message } as any;
      }
      const res = await prev(method, payload, signal);
      if (res.ok) {
        const id = (res.result as { message_id: number }).message_id;
        unrecorded.push({ seq: n, digest, message_id: id });
        timer ??= setTimeout(record, RECORD_AFTER_MS);
      }
      return res;
    });
    try {
      await next();
    } catch (err) {
      await record(); // the update is tried again: what it sent must not be sent twice
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Telegram's answer that a message cannot be edited any more: it was deleted, or is too old. */
function isGone(res: { ok: boolean; description?: string }): boolean {
  return !res.ok &&
    /message to edit not found|message can't be edited|MESSAGE_ID_INVALID/i.test(
      res.description ?? "",
    );
}

async function sha256(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}
