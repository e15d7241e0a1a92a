// A message is sent once per update even when the update is handled again: a run that replied
// and was then cut off (here: given up on at the time limit while saving the dialog state) is
// taken up again, and its reply is not sent a second time; a run that says something else does
// say it; the records go when the update is done.

import assert from "node:assert/strict";
import { startTestBot } from "../harness/bot.ts";
import { freshDb, type TestDb } from "../harness/db.ts";
import { ALICE, Updates } from "../harness/telegram.ts";
import { texts } from "../../src/bot/screens/onboarding_texts.ts";
import type { Queryable } from "../../src/db/db.ts";

/** A database whose first statement matching `hang` never answers. */
function hangingOnce(inner: TestDb, hang: RegExp): TestDb {
  let hung = false;
  const guard = (q: Queryable): Queryable => ({
    query: (sql, params, opts) =>
      !hung && hang.test(sql) ? (hung = true, new Promise(() => {})) : q.query(sql, params, opts),
    exec: (sql) => q.exec(sql),
  });
  return {
    ...inner,
    ...guard(inner),
    transaction: (fn) => inner.transaction((tx) => fn(guard(tx))),
    [Symbol.asyncDispose]: () => inner[Symbol.asyncDispose](),
  };
}

Deno.test("send once: a reply sent before the run was cut off is not sent again when the update is taken up again", async () => {
  // The welcome leaves; saving the dialog state after it hangs, until the run is given up on.
  await using db = hangingOnce(await freshDb(), /INSERT INTO aiogram_states/);
  await using t = await startTestBot({ db, worker: { timeoutMs: 300 } });
  const u = new Updates();
  const start = u.command(ALICE, "/start");
  await t.send(start);
  assert.deepEqual(t.api.texts(), [texts.welcome], "the welcome once");
  const [row] = await t.db.query<{ status: string; attempts: number }>(
    "SELECT status, attempts FROM inbox WHERE update_id = $1",
    [start.update_id],
  );
  assert.deepEqual(
    [row?.status, row?.attempts],
    ["done", 1],
    "handled twice, the second time done",
  );
  assert.ok(t.log.lines.some((l) => l.includes("not handled within the time limit")));
  assert.equal((await t.db.query("SELECT 1 FROM update_sends")).length, 0, "records forgotten");
  // The dialog went on from there: the consent step takes the next message.
  assert.equal(
    (await t.db.query<{ data: { step?: string } }>("SELECT data FROM aiogram_states"))[0]?.data
      .step,
    "consent",
  );
});

Deno.test("send once: a run that says something else says it", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  const help = u.command(ALICE, "/help");
  // An earlier run of this update sent another first message (then died).
  await t.worker.enqueue([help]);
  await t.db.query(
    "INSERT INTO update_sends (update_id, seq, digest, message_id) VALUES ($1, 1, 'other', 55)",
    [help.update_id],
  );
  await t.worker.drain();
  assert.equal(t.api.of("sendMessage").length, 1);
});

Deno.test("send once: a run that fails at once after replying records the reply before the retry", async () => {
  // Saving the dialog state after the welcome fails (well within the time a send waits before
  // it is recorded): the failure itself must record the welcome, or the retry would repeat it.
  const inner = await freshDb();
  let failed = false;
  const failing = (q: Queryable): Queryable => ({
    query: (sql, params, opts) =>
      !failed && /INSERT INTO aiogram_states/.test(sql)
        ? (failed = true, Promise.reject(new Error("a fault of ours")))
        : q.query(sql, params, opts),
    exec: (sql) => q.exec(sql),
  });
  await using db: TestDb = {
    ...inner,
    ...failing(inner),
    transaction: (fn) => inner.transaction((tx) => fn(failing(tx))),
    [Symbol.asyncDispose]: () => inner[Symbol.asyncDispose](),
  };
  await using t = await startTestBot({ db });
  const u = new Updates();
  const start = u.command(ALICE, "/start");
  await t.send(start);
  assert.ok(failed);
  assert.deepEqual(t.api.texts(), [texts.welcome], "the welcome once");
  const [row] = await t.db.query<{ status: string; attempts: number }>(
    "SELECT status, attempts FROM inbox WHERE update_id = $1",
    [start.update_id],
  );
  assert.deepEqual([row?.status, row?.attempts], ["done", 1]);
});
