// The durable inbox and its worker with the real bot: an update a dead worker held is handled once,
// duplicates once, per-chat order with 50 chats at once, a poison update parked with one ERROR
// and one apology, a service outage retried until answered, and a clean stop that runs out of
// time putting back what it holds.

import assert from "node:assert/strict";
import { startTestBot, type TestBot } from "../harness/bot.ts";
import { count } from "../harness/db.ts";
import { ALICE, type Person, Updates } from "../harness/telegram.ts";
import { claimUpdates } from "../../src/inbox/inbox.ts";
import { APOLOGY } from "../../src/bot/bot.ts";
import { texts } from "../../src/bot/screens/onboarding_texts.ts";

/** Resolves once `check` holds (polled), or fails after `timeoutMs`. */
async function until(check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error("Timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function inboxRow(t: TestBot, updateId: number) {
  const [row] = await t.db.query<{ status: string; attempts: number; last_error: string | null }>(
    "SELECT status, attempts, last_error FROM inbox WHERE update_id = $1",
    [updateId],
  );
  return row;
}

Deno.test("inbox: an update a dead worker held (and Telegram redelivered) is handled once", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  const start = u.command(ALICE, "/start");
  assert.equal(await t.worker.enqueue([start]), 1);
  // A worker on another machine took it and died: working, its lease over.
  assert.equal((await claimUpdates(t.db, "gone:4242:dead", 10, 30_000)).length, 1);
  await t.db.query("UPDATE inbox SET lease_until = now() - interval '1 second'");
  // Telegram delivers it again after the crash: already stored, so nothing new.
  assert.equal(await t.worker.enqueue([start]), 0);
  t.worker.start();
  await until(async () => (await inboxRow(t, start.update_id))?.status === "done");
  assert.equal(await t.worker.stop(5_000), true);
  assert.deepEqual(t.api.texts(), [texts.welcome]);
  assert.equal((await inboxRow(t, start.update_id))?.attempts, 1, "the dead worker's try counts");
});

Deno.test("inbox: the same update stored twice, in one batch and again later, is handled once", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  const start = u.command(ALICE, "/start");
  assert.equal(await t.worker.enqueue([start, start]), 1);
  await t.worker.drain();
  assert.equal(await t.worker.enqueue([start]), 0);
  await t.worker.drain();
  assert.deepEqual(t.api.texts(), [texts.welcome]);
  assert.equal(await count(t, "inbox", { status: "done" }), 1);
});

Deno.test("inbox: 200 chats × 3 updates at once, 50 at a time: each chat's replies in order", async () => {
  const person = (i: number): Person => ({ id: 300_000 + i, first_name: "Вера" });
  const commands = ["/start", "/help", "/helplines"];
  // What one chat gets when its three updates are handled one by one.
  let expected: string[];
  {
    await using ref = await startTestBot();
    const u = new Updates();
    for (const c of commands) await ref.send(u.command(person(0), c));
    expected = ref.api.of("sendMessage").map((p) => String(p.text));
    assert.equal(new Set(expected).size, 3, "three different replies");
  }
  await using t = await startTestBot({
    delayMs: (c) => c.method === "sendMessage" ? Math.random() * 4 : 0,
    worker: { concurrency: 50 },
  });
  const u = new Updates();
  const updates = commands.flatMap((c) =>
    Array.from({ length: 200 }, (_, i) => u.command(person(i), c))
  );
  assert.equal(await t.worker.enqueue(updates), 600);
  let most = 0;
  const sampler = setInterval(() => most = Math.max(most, t.worker.size), 2);
  try {
    t.worker.start();
    await until(async () => await count(t, "inbox", { status: "done" }) === 600, 120_000);
  } finally {
    clearInterval(sampler);
    await t.worker.stop(5_000);
  }
  assert.ok(most > 1 && most <= 50, `chats at once: ${most}`);
  const sent = t.api.of("sendMessage");
  assert.equal(sent.length, 600);
  for (let i = 0; i < 200; i++) {
    const chat = sent.filter((p) => p.chat_id === person(i).id).map((p) => String(p.text));
    assert.deepEqual(chat, expected, `chat ${i}`);
  }
});

Deno.test("inbox: a poison update is tried 3 times, then parked with one ERROR and one apology", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  t.api.failNext("sendMessage", 400, "Bad Request: can't parse entities", 3);
  const poison = u.text(ALICE, "секретное слово");
  await t.send(poison);
  const row = await inboxRow(t, poison.update_id);
  assert.equal(row?.status, "parked");
  assert.equal(row?.attempts, 3);
  assert.match(row?.last_error ?? "", /can't parse entities/);
  assert.ok(!row?.last_error?.includes("секрет"), "an error description only");
  const errors = t.log.lines.filter((l) => l.startsWith("ERROR"));
  assert.equal(errors.length, 1, t.log.lines.join("\n"));
  assert.match(errors[0]!, /^ERROR Update failed.*parked after 3 failed attempt/);
  assert.equal(
    t.log.lines.filter((l) => l.startsWith("WARN Update failed; it is tried again")).length,
    2,
  );
  assert.equal(t.api.texts().filter((x) => x === APOLOGY).length, 1);
  assert.ok(!t.log.lines.some((l) => l.includes("секрет")));
  // The chat is not held up by it.
  t.api.clear();
  await t.send(u.command(ALICE, "/start"));
  assert.deepEqual(t.api.texts(), [texts.welcome]);
});

Deno.test("inbox: an update whose worker keeps dying is parked with one apology", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  const start = u.command(ALICE, "/start");
  await t.worker.enqueue([start]);
  for (let i = 0; i < 3; i++) {
    assert.equal((await claimUpdates(t.db, `gone:${i}:dead`, 10, 30_000)).length, 1);
    await t.db.query("UPDATE inbox SET lease_until = now() - interval '1 second'");
  }
  await t.worker.drain();
  const row = await inboxRow(t, start.update_id);
  assert.deepEqual([row?.status, row?.attempts], ["parked", 3]);
  assert.deepEqual(t.api.texts(), [APOLOGY], "never run again, the user told once");
  assert.equal(t.log.lines.filter((l) => l.startsWith("ERROR")).length, 1);
});

Deno.test("inbox: while Telegram is down an update is postponed, not counted, and answered later", async () => {
  await using t = await startTestBot({ worker: { retryBaseMs: 20 } });
  const u = new Updates();
  // More failures in a row than the attempts an error of ours gets.
  t.api.failNext("sendMessage", 502, "Bad Gateway", 5);
  const start = u.command(ALICE, "/start");
  await t.send(start);
  assert.equal(t.api.of("sendMessage").length, 6);
  assert.deepEqual(t.api.texts().filter((x) => x !== texts.welcome), [], "no apology");
  assert.equal(t.api.texts().at(-1), texts.welcome);
  const row = await inboxRow(t, start.update_id);
  assert.deepEqual([row?.status, row?.attempts], ["done", 0]);
  assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")), t.log.lines.join("\n"));
  // Logged quietly: the 1st, 2nd and 4th postponement in a row.
  assert.equal(t.log.lines.filter((l) => l.startsWith("WARN Update postponed")).length, 3);
});

Deno.test("inbox: a stop that runs out of time puts back what it holds, uncounted", async () => {
  await using t = await startTestBot({ delayMs: (c) => c.method === "sendMessage" ? 1_000 : 0 });
  const u = new Updates();
  const start = u.command(ALICE, "/start");
  await t.worker.enqueue([start]);
  t.worker.start();
  await until(() => t.api.of("sendMessage").length === 1);
  assert.equal(await t.worker.stop(50), false);
  const row = await inboxRow(t, start.update_id);
  assert.deepEqual([row?.status, row?.attempts], ["pending", 0]);
  // The handler cut off finishes late and finds the update no longer its own.
  await until(() => t.log.lines.some((l) => l.startsWith("WARN An update's lease ran out")));
});
