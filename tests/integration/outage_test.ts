// The database going away under a running bot: the user is told the service is briefly
// unavailable (not the apology for our own bugs), the log says WARN, and a button press is
// answered — at once when the database refuses, within the bound when it does not answer.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../harness/bot.ts";
import { freshDb, type TestDb } from "../harness/db.ts";
import { ALICE, Updates } from "../harness/telegram.ts";
import { APOLOGY, OUTAGE } from "../../src/bot/bot.ts";
import { MENU, STALE_BUTTON } from "../../src/bot/nav.ts";
import type { Queryable } from "../../src/db/db.ts";

interface Outage {
  down: boolean;
  /** How long a statement waits before it fails (a server that does not answer). */
  hangMs?: number;
  /** How long every statement waits before it runs (a slow server), down or not. */
  slowMs?: number;
}

/** The database as a switched-off server looks to the bot: every statement refused. */
function switchable(inner: TestDb, outage: Outage): TestDb {
  const refuse = async () => {
    if (outage.hangMs) await new Promise((r) => setTimeout(r, outage.hangMs));
    throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
      code: "ECONNREFUSED",
    });
  };
  const slow = () => new Promise((r) => setTimeout(r, outage.slowMs ?? 0));
  const guard = (q: Queryable): Queryable => ({
    query: async (sql, params, opts) => {
      if (outage.slowMs) await slow();
      if (outage.down) await refuse();
      return await q.query(sql, params, opts);
    },
    exec: async (sql) => {
      if (outage.down) await refuse();
      return await q.exec(sql);
    },
  });
  return {
    ...inner,
    ...guard(inner),
    transaction: async (fn) => {
      if (outage.down) await refuse();
      return await inner.transaction((tx) => fn(guard(tx)));
    },
    [Symbol.asyncDispose]: () => inner[Symbol.asyncDispose](),
  };
}

// The next three tests were written before the inbox: an update the database cannot store now
// stays with Telegram and is answered when the database returns (tests/integration/inbox_test.ts
// covers a stored update whose handling meets an outage). To be rewritten against the inbox with
// the outage test of issue 17 (a PostgreSQL the test starts and stops itself).
Deno.test({
  name: "database unreachable: a message gets «Сервис временно недоступен», logged as WARN",
  ignore: true,
}, async () => {
  const outage: Outage = { down: false };
  await using db = switchable(await freshDb(), outage);
  await using t = await startTestBot({ db });
  const u = new Updates();
  await onboard(t, u, "/helper");
  outage.down = true;
  await t.send(u.text(ALICE, "Мне тревожно"));
  assert.deepEqual(t.api.texts(), [OUTAGE]);
  assert.ok(t.log.lines.some((l) => l.startsWith("WARN Update failed because a service")));
  assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")));
});

// Set aside with the one above, for the same reason.
Deno.test({
  name: "database unreachable: a button press gets the outage notice as its toast",
  ignore: true,
}, async () => {
  const outage: Outage = { down: false };
  await using db = switchable(await freshDb(), outage);
  await using t = await startTestBot({ db });
  const u = new Updates();
  await onboard(t, u);
  outage.down = true;
  await t.send(u.callback(ALICE, MENU.profile, 101));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((a) => a.text), [OUTAGE]);
  assert.deepEqual(t.api.texts(), []);
});

// Set aside with the one above, for the same reason.
Deno.test({
  name:
    "database not answering: the press is answered within the bound, the notice comes in the chat",
  ignore: true,
}, async () => {
  const outage: Outage = { down: false, hangMs: 400 };
  await using db = switchable(await freshDb(), outage);
  await using t = await startTestBot({ db, answerCallbacksWithinMs: 50 });
  const u = new Updates();
  await onboard(t, u);
  outage.down = true;
  const started = performance.now();
  let answeredAfter: number | undefined;
  t.bot.api.config.use((prev, method, payload, signal) => {
    if (method === "answerCallbackQuery") answeredAfter ??= performance.now() - started;
    return prev(method, payload, signal);
  });
  await t.send(u.callback(ALICE, MENU.profile, 101));
  assert.deepEqual(t.api.calls.map((c) => [c.method, c.payload.text]), [
    ["answerCallbackQuery", undefined],
    ["sendMessage", OUTAGE],
  ]);
  assert.ok(answeredAfter! < 300, `answered after ${answeredAfter} ms`);
});

Deno.test("a slow database: the press is answered within the bound, a late toast's words come in the chat", async () => {
  const outage: Outage = { down: false };
  await using db = switchable(await freshDb(), outage);
  await using t = await startTestBot({ db, answerCallbacksWithinMs: 50 });
  const u = new Updates();
  await onboard(t, u);
  outage.slowMs = 100;
  await t.send(u.callback(ALICE, "no:such:button", 101));
  const calls = t.api.calls.map((c) => [c.method, c.payload.text]);
  assert.deepEqual(calls[0], ["answerCallbackQuery", undefined]);
  assert.equal(t.api.of("answerCallbackQuery").length, 1);
  assert.ok(t.api.texts().includes(STALE_BUTTON), JSON.stringify(calls));
});

Deno.test("our own bug after the press was answered: the apology comes in the chat", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  // Our own fault every time: the inbox tries the update three times, then parks it.
  t.api.failNext("editMessageText", 400, "Bad Request: can't parse entities", 3);
  t.api.failNext("sendMessage", 400, "Bad Request: can't parse entities", 3);
  await t.send(u.callback(ALICE, MENU.profile, 101));
  const answers = t.api.of("answerCallbackQuery");
  assert.ok(answers.length >= 1);
  assert.equal(t.api.texts().at(-1), APOLOGY);
  assert.ok(t.log.lines.some((l) => l.startsWith("ERROR Update failed")));
});
