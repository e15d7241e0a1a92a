// The durable inbox's SQL (table `inbox`, migrations/0010_inbox.sql): updates are added before
// Telegram is told they arrived, claimed by workers — the oldest open update of each chat whose
// earlier updates are all finished, `FOR UPDATE SKIP LOCKED`, under a lease a heartbeat renews,
// judged by the spam limit in the same statement — and finished as done (payload cleared; the
// chat key stays for the spam limit's count until pruned), retried later, or parked. A worker that died
// leaves rows whose lease runs out; the next claim takes them up again. Plain SQL on both
// backends (PGlite runs one statement at a time, so there the locking is simply uncontended).

import type { Queryable } from "../db/db.ts";

/** An update as the inbox stores it: its id, its chat's key, the update itself. */
export interface InboxItem {
  updateId: number;
  chatKey: string;
  payload: unknown;
  /** Which spam-limit count it falls in (incoming.ts limitKind); none: not limited. */
  limit?: LimitKind;
}

/** Words are counted apart from commands and taps; taps are told apart from messages. */
export type LimitKind = "words" | "command" | "tap";

/** A claimed update: `attempts` counts earlier failures of ours (a died worker included). */
export interface Claimed extends InboxItem {
  attempts: number;
  /** Taken before (a failure, a postponement, a worker that died): it may have sent messages. */
  retaken: boolean;
  /** Later updates of the chat were waiting behind it when it was taken. */
  more: boolean;
  /** What the spam limit says of it (claimUpdates decides, from the chat's rows). */
  verdict: Verdict;
}

/**
 * The spam limit per chat, counted in the database so it holds across workers: at most `limit`
 * commands and taps, and apart from them `limit` messages of words, let through in any
 * `windowMs`; at most `maxHeld` messages of words waiting at once.
 */
export interface SpamLimit {
  limit: number;
  windowMs: number;
  maxHeld: number;
}

export const SPAM_LIMIT: SpamLimit = { limit: 15, windowMs: 10_000, maxHeld: 50 };

/**
 * ok: handle it. over: beyond the limit — answered (a tap) or dropped (a command; words beyond
 * `maxHeld` waiting). wait: words beyond the limit — handled when the window has room, in
 * `roomInMs`. `notify`: the first over the limit in this window (of taps, or of messages) —
 * the sender is told once.
 */
export type Verdict =
  | { kind: "ok" }
  | { kind: "over" | "wait"; notify: boolean; roomInMs: number };

/** Adds updates, ignoring any already there (a redelivery); returns how many were new. */
export async function addToInbox(db: Queryable, items: readonly InboxItem[]): Promise<number> {
  if (items.length === 0) return 0;
  const rows = await db.query(
    `INSERT INTO inbox (update_id, chat_key, payload, limit_kind)
     SELECT update_id, chat_key, payload, limit_kind
     FROM jsonb_to_recordset($1::jsonb)
       AS x(update_id bigint, chat_key text, payload jsonb, limit_kind text)
     ORDER BY update_id
     ON CONFLICT (update_id) DO NOTHING
     RETURNING update_id`,
    [items.map((i) => ({
      update_id: i.updateId,
      chat_key: i.chatKey,
      payload: i.payload,
      limit_kind: i.limit ?? null,
    }))],
    { idempotent: true },
  );
  return rows.length;
}

/**
 * Takes up to `limit` updates for `worker`: per chat the oldest open one, when no earlier update
 * of that chat is still open, and only when it is due (a pending one past its backoff, or a
 * working one whose lease ran out — its worker died, which counts as an attempt).
 *
 * In the same statement the spam limit judges each (`spam`): a limited update not yet let
 * through is counted against the chat's updates of its count let through in the last window —
 * rows any worker took, so the limit holds across workers; one chat's updates are taken one at a
 * time, so the count cannot race. Let through, it is stamped (counted_at); told about, stamped
 * too (noted_at), so the sender is told once per window.
 */
export async function claimUpdates(
  db: Queryable,
  worker: string,
  limit: number,
  leaseMs: number,
  spam: SpamLimit = SPAM_LIMIT,
): Promise<Claimed[]> {
  const rows = await db.query<{
    update_id: number;
    chat_key: string;
    payload: unknown;
    attempts: number;
    retaken: boolean;
    more: boolean;
    verdict: "ok" | "over" | "wait";
    notify: boolean;
    room_ms: number | null;
  }>(
    `WITH next AS (
       SELECT i.update_id FROM inbox i
       WHERE i.status IN ('pending', 'working')
         AND CASE WHEN i.status = 'pending' THEN i.not_before <= now()
                  ELSE i.lease_until < now() END
         AND NOT EXISTS (
           SELECT 1 FROM inbox e
           WHERE e.chat_key = i.chat_key AND e.update_id < i.update_id
             AND e.status IN ('pending', 'working'))
       ORDER BY i.update_id
       LIMIT $2
       FOR UPDATE OF i SKIP LOCKED
     ), judged AS (
       SELECT i.update_id, c.oldest, t.noted,
         (i.status = 'working' OR i.attempts > 0 OR i.last_error IS NOT NULL) AS retaken,
         CASE WHEN i.limit_kind IS NULL OR i.counted_at IS NOT NULL OR c.n < $5 THEN 'ok'
              WHEN i.limit_kind = 'words' AND h.n <= $7 THEN 'wait'
              ELSE 'over' END AS verdict
       FROM next JOIN inbox i ON i.update_id = next.update_id
       LEFT JOIN LATERAL (
         SELECT count(*) AS n, min(e.counted_at) AS oldest FROM inbox e
         WHERE e.chat_key = i.chat_key AND e.counted_at > now() - make_interval(secs => $6)
           AND (e.limit_kind = 'words') = (i.limit_kind = 'words')) c ON true
       LEFT JOIN LATERAL (
         SELECT count(*) AS n FROM inbox e
         WHERE e.chat_key = i.chat_key AND e.limit_kind = 'words'
           AND e.status IN ('pending', 'working')) h ON true
       LEFT JOIN LATERAL (
         SELECT max(e.noted_at) AS noted FROM inbox e
         WHERE e.chat_key = i.chat_key AND e.noted_at > now() - make_interval(secs => $6)
           AND (e.limit_kind = 'tap') = (i.limit_kind = 'tap')) t ON true
     )
     UPDATE inbox u SET status = 'working', worker = $1,
       lease_until = now() + make_interval(secs => $3),
       attempts = u.attempts + CASE WHEN u.status = 'working' THEN 1 ELSE 0 END,
       last_error = CASE WHEN u.status = 'working' THEN $4 ELSE u.last_error END,
       counted_at = CASE WHEN j.verdict = 'ok' AND u.limit_kind IS NOT NULL
                         THEN coalesce(u.counted_at, now()) ELSE u.counted_at END,
       noted_at = CASE WHEN j.verdict <> 'ok' AND j.noted IS NULL THEN now()
                       ELSE u.noted_at END
     FROM judged j WHERE u.update_id = j.update_id
     RETURNING u.update_id, u.chat_key, u.payload, u.attempts, j.verdict, j.retaken,
       EXISTS (SELECT 1 FROM inbox e WHERE e.chat_key = u.chat_key AND e.update_id > u.update_id
         AND e.status IN ('pending', 'working')) AS more,
       (j.verdict <> 'ok' AND j.noted IS NULL) AS notify,
       (extract(epoch FROM j.oldest + make_interval(secs => $6) - now()) * 1000)::float8
         AS room_ms`,
    [worker, limit, leaseMs / 1000, LEASE_LOST, spam.limit, spam.windowMs / 1000, spam.maxHeld],
  );
  return rows
    .map((r): Claimed => ({
      updateId: Number(r.update_id),
      chatKey: r.chat_key,
      payload: r.payload,
      attempts: r.attempts,
      retaken: r.retaken,
      more: r.more,
      verdict: r.verdict === "ok"
        ? { kind: "ok" }
        : { kind: r.verdict, notify: r.notify, roomInMs: Math.max(0, r.room_ms ?? 0) },
    }))
    .sort((a, b) => a.updateId - b.updateId);
}

/** What the inbox's insert trigger notifies: a worker listening takes new updates at once. */
export const INBOX_CHANNEL = "soulbot_inbox";

const LEASE_LOST = "its worker stopped before finishing it";

/** Extends the lease of every update `worker` holds; returns how many it still holds. */
export async function renewLeases(db: Queryable, worker: string, leaseMs: number) {
  const rows = await db.query(
    `UPDATE inbox SET lease_until = now() + make_interval(secs => $2)
     WHERE worker = $1 AND status = 'working' RETURNING update_id`,
    [worker, leaseMs / 1000],
    { idempotent: true },
  );
  return rows.length;
}

/** How a claimed update ended. */
export type Outcome =
  | { status: "done" }
  | { status: "retry"; delayMs: number; error: string; countAttempt: boolean }
  | { status: "parked"; error: string; countAttempt: boolean };

/**
 * Records the outcome of an update `worker` holds; false when it no longer holds it (its lease
 * ran out and another worker took it).
 */
export async function finishUpdate(
  db: Queryable,
  worker: string,
  updateId: number,
  outcome: Outcome,
): Promise<boolean> {
  const own = "WHERE update_id = $1 AND worker = $2 AND status = 'working' RETURNING update_id";
  let rows;
  if (outcome.status === "done") {
    return (await finishDone(db, worker, [updateId])).has(updateId);
  } else if (outcome.status === "retry") {
    rows = await db.query(
      `UPDATE inbox SET status = 'pending', lease_until = NULL, last_error = $3,
         not_before = now() + make_interval(secs => $4),
         attempts = attempts + CASE WHEN $5 THEN 1 ELSE 0 END ${own}`,
      [updateId, worker, clip(outcome.error), outcome.delayMs / 1000, outcome.countAttempt],
      { idempotent: true },
    );
  } else {
    rows = await db.query(
      `UPDATE inbox SET status = 'parked', done_at = now(), lease_until = NULL, last_error = $3,
         attempts = attempts + CASE WHEN $4 THEN 1 ELSE 0 END ${own}`,
      [updateId, worker, clip(outcome.error), outcome.countAttempt],
      { idempotent: true },
    );
  }
  return rows.length > 0;
}

/** Marks updates `worker` holds done, in one statement; returns those it still held. */
export async function finishDone(
  db: Queryable,
  worker: string,
  updateIds: readonly number[],
): Promise<Set<number>> {
  const rows = await db.query<{ update_id: number }>(
    `UPDATE inbox SET status = 'done', done_at = now(), lease_until = NULL, payload = NULL,
       last_error = NULL, chat_key = CASE WHEN forget_chat THEN NULL ELSE chat_key END
     WHERE update_id = ANY($1::bigint[]) AND worker = $2 AND status = 'working'
     RETURNING update_id`,
    [updateIds, worker],
    { idempotent: true },
  );
  return new Set(rows.map((r) => Number(r.update_id)));
}

/** Puts back what `worker` still holds, uncounted (a clean stop that ran out of time). */
export async function releaseUpdates(db: Queryable, worker: string): Promise<number> {
  // Workers elsewhere hear of it at once (they listen: see migrations/0012_replicas.sql).
  const rows = await db.query(
    `WITH back AS (
       UPDATE inbox SET status = 'pending', lease_until = NULL, worker = NULL
       WHERE worker = $1 AND status = 'working' RETURNING update_id)
     SELECT update_id, pg_notify('${INBOX_CHANNEL}', '') FROM back`,
    [worker],
    { idempotent: true },
  );
  return rows.length;
}

/** The workers that hold updates now. */
export async function workersHolding(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ worker: string }>(
    "SELECT DISTINCT worker FROM inbox WHERE status = 'working' AND worker IS NOT NULL",
  );
  return rows.map((r) => r.worker);
}

/** Ends the leases of workers known to be dead, so their updates are due at once. */
export async function expireLeases(db: Queryable, workers: readonly string[]): Promise<number> {
  if (workers.length === 0) return 0;
  const rows = await db.query(
    `UPDATE inbox SET lease_until = now() - interval '1 second'
     WHERE status = 'working' AND worker IN (SELECT jsonb_array_elements_text($1::jsonb))
     RETURNING update_id`,
    [workers],
    { idempotent: true },
  );
  return rows.length;
}

/**
 * Parks the open updates stored more than `maxAgeMs` ago that no worker holds now (pending, or a
 * dead worker's whose lease ran out): too old to be worth handling. Returns what it parked.
 */
export async function parkExpired(db: Queryable, maxAgeMs: number): Promise<InboxItem[]> {
  const rows = await db.query<{ update_id: number; chat_key: string; payload: unknown }>(
    `UPDATE inbox SET status = 'parked', done_at = now(), lease_until = NULL, last_error = $2
     WHERE status IN ('pending', 'working')
       AND (status = 'pending' OR lease_until < now())
       AND received_at < now() - make_interval(secs => $1)
     RETURNING update_id, chat_key, payload`,
    [maxAgeMs / 1000, `not handled within ${Math.round(maxAgeMs / 3_600_000)} h of arriving`],
    { idempotent: true },
  );
  return rows.map((r) => ({
    updateId: Number(r.update_id),
    chatKey: r.chat_key,
    payload: r.payload,
  }))
    .sort((a, b) => a.updateId - b.updateId);
}

/** Forgets handled and parked updates older than `days` (Telegram redelivers nothing that old). */
export async function pruneInbox(db: Queryable, days = 2): Promise<number> {
  const rows = await db.query(
    `DELETE FROM inbox WHERE status IN ('done', 'parked')
       AND done_at < now() - make_interval(days => $1) RETURNING 1`,
    [days],
    { idempotent: true },
  );
  return rows.length;
}

/** Open and parked updates, for tests and operators. */
export async function inboxCounts(db: Queryable): Promise<Record<string, number>> {
  const rows = await db.query<{ status: string; n: number }>(
    "SELECT status, count(*)::int AS n FROM inbox GROUP BY status",
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

function clip(error: string): string {
  return error.length > 300 ? `${error.slice(0, 299)}…` : error;
}
