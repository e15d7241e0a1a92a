// Several processes on one database, beyond the inbox's own claims: a worker that idles wakes at
// once when another process stores an update (LISTEN/NOTIFY; its idle poll is an hour here) — and
// does not take the notification of its own insert for a second wake-up — and the free-message
// limit holds when one user's messages are counted by several processes at once.
// On PGlite and, with TEST_DATABASE_URL, on PostgreSQL with a connection per "process".

import assert from "node:assert/strict";
import { startTestBot } from "../harness/bot.ts";
import { freshDb } from "../harness/db.ts";
import { ALICE, Updates } from "../harness/telegram.ts";
import { addToInbox, INBOX_CHANNEL } from "../../src/inbox/inbox.ts";
import { inboxItem } from "../../src/inbox/incoming.ts";
import { createPostgresDb } from "../../src/db/postgres.ts";
import type { Db, QueryOptions } from "../../src/db/db.ts";
import { createLogger } from "../../src/log.ts";
import { countAssistantMessage } from "../../src/stats/daily.ts";

/** Another process's handle on the test database (the same one on PGlite). */
function elsewhere(db: Db & { url?: string }): Db & AsyncDisposable {
  const other = db.url
    ? createPostgresDb({
      url: db.url,
      description: "elsewhere",
      log: createLogger({ level: "error" }),
    })
    : db;
  return Object.assign(other, {
    [Symbol.asyncDispose]: () => db.url ? other.close() : Promise.resolve(),
  });
}

Deno.test("wake-up: an update another process stores is taken at once, not at the idle poll", async () => {
  await using db = await freshDb();
  await using t = await startTestBot({ db, worker: { idlePollMs: 3_600_000 } });
  await using other = elsewhere(db);
  t.worker.start();
  try {
    assert.equal(await t.worker.listening, true);
    const u = new Updates();
    await addToInbox(other, [inboxItem(u.command(ALICE, "/start"))]);
    // Only a notification can wake it within the hour; the bound is the test's own.
    for (let i = 0; t.api.of("sendMessage").length === 0; i++) {
      assert.ok(i < 300, "the worker was not woken");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(String(t.api.of("sendMessage")[0]!.text), /^Привет!/);
  } finally {
    await t.worker.stop(5_000);
  }
});

Deno.test("wake-up: the notification of the worker's own insert is not a second claim", async () => {
  await using db = await freshDb();
  let claims = 0;
  const counting = Object.assign({}, db, {
    query: (sql: string, params?: readonly unknown[], opts?: QueryOptions) => {
      if (sql.includes("WITH next AS")) claims++;
      return db.query(sql, params, opts);
    },
  }) as typeof db;
  await using t = await startTestBot({ db: counting, worker: { idlePollMs: 3_600_000 } });
  let heard = 0;
  const unlisten = await db.listen(INBOX_CHANNEL, () => heard++);
  t.worker.start();
  const u = new Updates();
  const n = 4;
  try {
    assert.equal(await t.worker.listening, true);
    for (let i = 1; i <= n; i++) {
      // As the poller does: stored by the worker's own enqueue, which wakes it.
      assert.equal(await t.worker.enqueue([u.command(ALICE, "/help")]), 1);
      for (
        let wait = 0;
        heard < i || t.api.of("sendMessage").length < i || t.worker.size > 0;
        wait++
      ) {
        assert.ok(wait < 600, "the update was not handled");
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    await t.worker.stop(5_000);
    await unlisten();
  }
  // One claim at the start; per update one takes it and one, when it is done, looks for what
  // waited behind it.
  assert.ok(claims <= 1 + 2 * n, `${claims} claims for ${n} updates`);
});

Deno.test("free messages: 30 taken at once by three processes — exactly the limit of 10", async () => {
  await using db = await freshDb();
  await db.query("INSERT INTO users (id, first_name) VALUES ($1, 'Алиса')", [ALICE.id]);
  await using b = elsewhere(db);
  await using c = elsewhere(db);
  const handles = [db, b, c];
  const taken = await Promise.all(
    Array.from(
      { length: 30 },
      (_, i) => countAssistantMessage(handles[i % 3]!, ALICE.id, "2026-11-28", 10),
    ),
  );
  assert.equal(taken.filter((n) => n !== undefined).length, 10);
  assert.deepEqual(
    taken.filter((n) => n !== undefined).sort((x, y) => x! - y!),
    Array.from({ length: 10 }, (_, i) => i + 1),
  );
});
