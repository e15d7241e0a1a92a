// What an update owes the user when it asks a model (table answer_deliveries, migrations/0011):
// a chat answer or a quiz result, with the Telegram messages showing it so far. Opened with the
// effects that lead to it (in the same transaction), so an update taken up again — its worker
// died, or a retry — finds it and finishes it in the same messages instead of starting over; a
// delivery left open by an update given up on is replaced by a notice. Plain SQL on both backends.

import type { Queryable } from "../db/db.ts";

export type DeliveryKind = "chat" | "quiz";
/** How a chat answer is given: `none` is an ordinary answer. */
export type DeliveryCare = "none" | "concern" | "other" | "gentle";

export interface Delivery {
  updateId: number;
  userId: number;
  chatId: number;
  kind: DeliveryKind;
  /** chat: the user's message (conversation_history id); quiz: the quiz session. */
  subjectId: number;
  /** chat: how it is answered; undefined until the message was triaged. */
  care?: DeliveryCare;
  /** The messages showing it so far, in order (none: nothing visible yet, or a draft). */
  messageIds: number[];
  status: "open" | "done" | "notice";
}

/** Finished deliveries are kept this long (an update is not taken up again after that). */
const KEEP_DAYS = 2;

interface Row {
  update_id: number;
  user_id: number;
  chat_id: number;
  kind: DeliveryKind;
  subject_id: number;
  care: DeliveryCare | null;
  message_ids: number[];
  status: Delivery["status"];
}

const COLUMNS = "update_id, user_id, chat_id, kind, subject_id, care, message_ids, status";

function fromRow(r: Row): Delivery {
  return {
    updateId: r.update_id,
    userId: r.user_id,
    chatId: r.chat_id,
    kind: r.kind,
    subjectId: r.subject_id,
    care: r.care ?? undefined,
    messageIds: r.message_ids.map(Number),
    status: r.status,
  };
}

/**
 * Opens the delivery of update `updateId` (nothing changes if it has one already) and forgets the
 * user's deliveries finished long ago.
 */
export async function openDelivery(
  db: Queryable,
  d: Pick<Delivery, "updateId" | "userId" | "chatId" | "kind" | "subjectId" | "care">,
): Promise<void> {
  // The user's old closed deliveries go in the same statement.
  await db.query(
    `WITH gone AS (
       DELETE FROM answer_deliveries WHERE user_id = $2 AND status <> 'open'
         AND updated_at < now() - make_interval(days => $7))
     INSERT INTO answer_deliveries (update_id, user_id, chat_id, kind, subject_id, care)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (update_id) DO NOTHING`,
    [d.updateId, d.userId, d.chatId, d.kind, d.subjectId, d.care ?? null, KEEP_DAYS],
  );
}

/** The delivery update `updateId` opened, if any. */
export async function deliveryOf(db: Queryable, updateId: number): Promise<Delivery | undefined> {
  const [row] = await db.query<Row>(
    `SELECT ${COLUMNS} FROM answer_deliveries WHERE update_id = $1`,
    [updateId],
  );
  return row && fromRow(row);
}

/** Records the messages that show an open delivery now. */
export async function recordMessages(db: Queryable, updateId: number, ids: readonly number[]) {
  await db.query(
    `UPDATE answer_deliveries SET message_ids = $2, updated_at = now()
     WHERE update_id = $1 AND status = 'open'`,
    [updateId, ids],
    { idempotent: true },
  );
}

/** Records how a chat answer is given, once its message is triaged. */
export async function setCare(db: Queryable, updateId: number, care: DeliveryCare) {
  await db.query(
    "UPDATE answer_deliveries SET care = $2, updated_at = now() WHERE update_id = $1",
    [updateId, care],
    { idempotent: true },
  );
}

/** Closes an open delivery: delivered (`done`) or replaced by a notice; false if it was not open. */
export async function closeDelivery(
  db: Queryable,
  updateId: number,
  status: "done" | "notice",
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE answer_deliveries SET status = $2, updated_at = now()
     WHERE update_id = $1 AND status = 'open' RETURNING update_id`,
    [updateId, status],
    { idempotent: true },
  );
  return rows.length > 0;
}

/**
 * Open deliveries no worker will take up again: their update is no longer waiting or being
 * handled in the inbox (handled, parked, or gone).
 */
export async function abandonedDeliveries(db: Queryable): Promise<Delivery[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM answer_deliveries d
     WHERE d.status = 'open' AND NOT EXISTS (
       SELECT 1 FROM inbox i
       WHERE i.update_id = d.update_id AND i.status IN ('pending', 'working'))
     ORDER BY d.update_id`,
  );
  return rows.map(fromRow);
}
