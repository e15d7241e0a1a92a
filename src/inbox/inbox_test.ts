// The inbox's SQL on PGlite always (FOR UPDATE SKIP LOCKED included) and on the PostgreSQL
// server when TEST_DATABASE_URL is set: duplicates ignored, per-chat order, leases, outcomes,
// pruning, and two claimers at once on the server taking disjoint updates.

import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import type { Db } from "../db/db.ts";
import { createPgliteDb } from "../db/pglite.ts";
import { loadMigrations, migrate } from "../db/migrate.ts";
import { freshDb, serverUrl } from "../../tests/harness/db.ts";
import {
  addToInbox,
  claimUpdates,
  expireLeases,
  finishUpdate,
  inboxCounts,
  type InboxItem,
  pruneInbox,
  releaseUpdates,
  renewLeases,
  workersHolding,
} from "./inbox.ts";
import { deadWorkers, newWorkerId } from "./identity.ts";

type Open = () => Promise<Db & AsyncDisposable>;

let template: Promise<PGlite> | undefined;
/** A migrated in-memory PGlite, cloned from one migrated once. */
async function pglite(): Promise<Db & AsyncDisposable> {
  template ??= (async () => {
    const pg = await PGlite.create();
    await migrate(await createPgliteDb({ instance: pg }), await loadMigrations());
    return pg;
  })();
  const db = await createPgliteDb({ instance: await (await template).clone() as PGlite });
  return Object.assign(db, { [Symbol.asyncDispose]: () => db.close() });
}

const backends: Array<[string, Open]> = [["PGlite", pglite]];
if (serverUrl()) backends.push(["PostgreSQL", () => freshDb()]);

const item = (updateId: number, chat: number): InboxItem => ({
  updateId,
  chatKey: String(chat),
  payload: { update_id: updateId, message: { chat: { id: chat }, text: "секрет" } },
});

async function row(db: Db, id: number) {
  const [r] = await db.query<Record<string, unknown>>(
    "SELECT status, attempts, worker, chat_key, payload, last_error FROM inbox WHERE update_id = $1",
    [id],
  );
  return r;
}

for (const [name, open] of backends) {
  Deno.test(`inbox (${name}): a redelivered update is stored once`, async () => {
    await using db = await open();
    assert.equal(await addToInbox(db, [item(1, 10), item(2, 10)]), 2);
    assert.equal(await addToInbox(db, [item(2, 10), item(3, 11)]), 1);
    assert.deepEqual(await inboxCounts(db), { pending: 3 });
  });

  Deno.test(`inbox (${name}): per chat the oldest open update only, other chats alongside`, async () => {
    await using db = await open();
    await addToInbox(db, [item(3, 11), item(1, 10), item(2, 10), item(4, 11), item(5, 12)]);
    const first = await claimUpdates(db, "w1", 10, 30_000);
    assert.deepEqual(first.map((c) => c.updateId), [1, 3, 5], "one per chat, oldest first");
    assert.deepEqual(first[0]!.payload, item(1, 10).payload);
    assert.deepEqual(await claimUpdates(db, "w2", 10, 30_000), [], "the rest wait their turn");
    assert.equal(await finishUpdate(db, "w1", 1, { status: "done" }), true);
    assert.deepEqual((await claimUpdates(db, "w2", 10, 30_000)).map((c) => c.updateId), [2]);
    // A parked update does not hold its chat up.
    assert.equal(
      await finishUpdate(db, "w1", 3, { status: "parked", error: "boom", countAttempt: true }),
      true,
    );
    assert.deepEqual((await claimUpdates(db, "w2", 10, 30_000)).map((c) => c.updateId), [4]);
    assert.deepEqual((await claimUpdates(db, "w2", 1, 30_000)).length, 0);
  });

  Deno.test(`inbox (${name}): done clears payload and chat; parked keeps them; pruning`, async () => {
    await using db = await open();
    await addToInbox(db, [item(1, 10), item(2, 11)]);
    await claimUpdates(db, "w1", 10, 30_000);
    assert.equal(await finishUpdate(db, "w1", 1, { status: "done" }), true);
    assert.equal(await finishUpdate(db, "w2", 2, { status: "done" }), false, "not w2's");
    assert.equal(
      await finishUpdate(db, "w1", 2, {
        status: "parked",
        error: "Bad Request",
        countAttempt: true,
      }),
      true,
    );
    assert.deepEqual(await row(db, 1), {
      status: "done",
      attempts: 0,
      worker: "w1",
      chat_key: "10",
      payload: null,
      last_error: null,
    });
    const parked = await row(db, 2);
    assert.equal(parked?.status, "parked");
    assert.equal(parked?.attempts, 1);
    assert.equal(parked?.last_error, "Bad Request");
    assert.equal(await addToInbox(db, [item(1, 10)]), 0, "a handled id still counts as seen");
    assert.equal(await pruneInbox(db, 2), 0);
    await db.query("UPDATE inbox SET done_at = now() - interval '3 days'");
    assert.equal(await pruneInbox(db, 2), 2);
  });

  Deno.test(`inbox (${name}): retries wait their backoff; a lost lease is taken over`, async () => {
    await using db = await open();
    await addToInbox(db, [item(1, 10), item(2, 10), item(3, 11)]);
    await claimUpdates(db, "w1", 10, 30_000);
    const later = { status: "retry", delayMs: 60_000, error: "x", countAttempt: true } as const;
    assert.equal(await finishUpdate(db, "w1", 1, later), true);
    assert.deepEqual(await claimUpdates(db, "w2", 10, 30_000), [], "not due, and 2 waits for it");
    await db.query("UPDATE inbox SET not_before = now() WHERE update_id = 1");
    const again = await claimUpdates(db, "w2", 10, 30_000);
    assert.deepEqual(again.map((c) => [c.updateId, c.attempts]), [[1, 1]]);
    // w1 died holding 3: renewing keeps it; once its lease is over, another worker takes it.
    assert.equal(await renewLeases(db, "w1", 30_000), 1);
    await db.query(
      "UPDATE inbox SET lease_until = now() - interval '1 second' WHERE update_id = 3",
    );
    const taken = await claimUpdates(db, "w2", 10, 30_000);
    assert.deepEqual(taken.map((c) => [c.updateId, c.attempts]), [[3, 1]], "counted");
    assert.equal((await row(db, 3))?.worker, "w2");
    assert.equal(await finishUpdate(db, "w1", 3, { status: "done" }), false, "w1 lost it");
    assert.deepEqual(await workersHolding(db), ["w2"]);
    assert.equal(await releaseUpdates(db, "w2"), 2);
    assert.deepEqual(await inboxCounts(db), { pending: 3 });
  });

  Deno.test(`inbox (${name}): dead holders on this host are due at once`, async () => {
    await using db = await open();
    await addToInbox(db, [item(1, 10)]);
    const self = newWorkerId();
    const [host] = self.split(":");
    const dead = `${host}:9999999:abcd`; // above any pid_max
    const elsewhere = "another-host:1:abcd";
    assert.deepEqual(deadWorkers([dead, elsewhere, self], self), [dead]);
    await claimUpdates(db, dead, 10, 30_000);
    assert.deepEqual(await claimUpdates(db, self, 10, 30_000), [], "its lease still runs");
    assert.equal(await expireLeases(db, deadWorkers(await workersHolding(db), self)), 1);
    assert.deepEqual((await claimUpdates(db, self, 10, 30_000)).map((c) => c.updateId), [1]);
  });
}

if (serverUrl()) {
  Deno.test("inbox (PostgreSQL): claimers at once take disjoint updates, one per chat", async () => {
    await using db = await freshDb();
    const items: InboxItem[] = [];
    for (let id = 1; id <= 300; id++) items.push(item(id, 1000 + (id % 100)));
    await addToInbox(db, items);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => claimUpdates(db, `w${i}`, 20, 30_000)),
    );
    const ids = claims.flat().map((c) => c.updateId);
    assert.equal(new Set(ids).size, ids.length, "no update taken twice");
    const chats = claims.flat().map((c) => c.chatKey);
    assert.equal(new Set(chats).size, chats.length, "no chat twice");
    assert.ok(ids.every((id) => id <= 100), "each chat's oldest");
  });
}
