// The database going away under a running bot. The real `soulbot bot` process on a PostgreSQL
// cluster the test starts and stops itself: while it is down, a button press gets a toast at once
// and a chat one notice, nothing else; once it is back every message is stored and answered
// exactly once, in order, and no ERROR is logged. In-process: a slow database, and our own bug
// after the press was answered.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../harness/bot.ts";
import { freshDb, type TestDb } from "../harness/db.ts";
import { ALICE, type ApiCall, type Person, Updates } from "../harness/telegram.ts";
import { startFakeBotApi } from "../harness/fake_bot_api.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import { fakeServicesEnv, spawnSoulbot } from "../harness/cli.ts";
import { pgBinaries, startPgCluster } from "../harness/pg_cluster.ts";
import { givenOnboarded } from "../harness/given.ts";
import { APOLOGY } from "../../src/bot/bot.ts";
import { MENU, STALE_BUTTON } from "../../src/bot/nav.ts";
import { OUTAGE_TAP, outageMessage } from "../../src/bot/outage.ts";
import type { Queryable } from "../../src/db/db.ts";
import { createPostgresDb } from "../../src/db/postgres.ts";
import { createLogger } from "../../src/log.ts";
import { loadHelplines, mainNumber } from "../../src/safety/helplines.ts";

const cluster = pgBinaries();
const PEOPLE: Person[] = ["Вера", "Лев", "Ника", "Олег", "Таня", "Юра"].map((name, i) => ({
  id: 400_001 + i,
  first_name: name,
  language_code: "ru",
}));
const answerTo = (text: string) => `Ответ на: ${text}`;

Deno.test({
  name: "database outage (real process, its own PostgreSQL stopped ~10 s): a toast per press, " +
    "one notice per chat, then every message stored and answered once, in order" +
    ("missing" in cluster ? ` — skipped: ${cluster.missing}` : ""),
  ignore: "missing" in cluster,
}, async () => {
  await using pg = await startPgCluster();
  await using api = startFakeBotApi();
  await using openai = await startOpenAiMock({ replyTo: answerTo });
  const bot = spawnSoulbot(
    ["bot"],
    fakeServicesEnv({ databaseUrl: pg.url, apiRoot: api.apiRoot, openaiBaseUrl: openai.baseUrl }, {
      FREE_DAILY_MESSAGES: "1000",
    }),
  );
  let exited = false;
  bot.status.then(() => exited = true);
  const db = createPostgresDb({ url: pg.url, description: "outage test", log: quiet });
  try {
    await bot.waitForLine(/^✅ Bot authorised as @soulnear_test_bot and polling/, 60_000);
    for (const who of PEOPLE) await givenOnboarded(db, who, { given: "onboarded" }, new Date());
    const u = new Updates();
    const taps: Record<string, string[]> = { before: [], during: [], after: [] };
    /** Each person: a tap (which leaves the chat), /helper, a numbered message. */
    const round = (phase: string, n: number) =>
      PEOPLE.flatMap((who) => {
        const tap = u.callback(who, n % 2 ? MENU.profile : MENU.main, 1);
        taps[phase]!.push(tap.callback_query!.id);
        return [tap, u.command(who, "/helper"), u.text(who, `${who.first_name}: сообщение ${n}`)];
      });
    const answered = (n: number) => (calls: ApiCall[]) =>
      PEOPLE.every((who) =>
        replies(calls, who).includes(answerTo(`${who.first_name}: сообщение ${n}`))
      );

    api.push(...round("before", 1));
    await api.waitFor(answered(1), 30_000);
    // Stopped only once nothing is in hand: an update cut off mid-way by the outage is handled
    // again from the start (at least once), which is not what this test is about.
    while ((await openUpdates(db)) > 0) await new Promise((r) => setTimeout(r, 50));

    await pg.stop();
    const down = Date.now();
    api.push(...round("during", 2));
    // Everyone hears from the bot while it is down: each press its toast, each chat one notice.
    await api.waitFor((calls) =>
      taps.during!.every((id) => toasts(calls, id).length === 1) &&
      PEOPLE.every((who) => notices(calls, who) === 1), 20_000);
    await new Promise((r) => setTimeout(r, 4_000));
    api.push(...round("during", 3)); // they keep writing
    await api.waitFor(
      (calls) => taps.during!.every((id) => toasts(calls, id).length === 1),
      20_000,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - down))));
    assert.ok(!answered(2)(api.calls), "nothing is answered while the database is down");
    assert.ok(PEOPLE.every((who) => notices(api.calls, who) === 1), "one notice per chat");
    const duringOutage = api.calls.length;
    await pg.start();

    await api.waitFor((calls) => answered(2)(calls) && answered(3)(calls), 90_000);
    api.push(...round("after", 4));
    await api.waitFor(answered(4), 30_000);
    await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show

    const calls = api.calls;
    for (const who of PEOPLE) {
      const expected = [1, 2, 3, 4].map((n) => `${who.first_name}: сообщение ${n}`);
      assert.deepEqual(replies(calls, who), expected.map(answerTo), `${who.first_name}'s answers`);
      const stored = await db.query<{ content: string; status: string }>(
        `SELECT content, status FROM conversation_history
         WHERE user_id = $1 AND role = 'user' ORDER BY id`,
        [who.id],
      );
      assert.deepEqual(stored.map((r) => r.content), expected, `${who.first_name}'s messages`);
      assert.ok(stored.every((r) => r.status === "answered"));
    }
    for (const id of [...taps.before!, ...taps.after!]) {
      assert.deepEqual(toasts(calls, id), [undefined], `press ${id}: one answer, its own`);
    }
    for (const id of taps.during!) {
      // The toast during the outage; the handler's own answer after it is refused, quietly.
      assert.deepEqual(toasts(calls, id), [OUTAGE_TAP], `press ${id}`);
      assert.equal(
        calls.filter((c) =>
          c.method === "answerCallbackQuery:refused" &&
          c.payload.callback_query_id === id
        ).length,
        1,
      );
    }
    assert.ok(PEOPLE.every((who) => notices(calls, who) === 1), "told once in all");
    assert.ok(!calls.some((c) => c.payload.text === APOLOGY), "no apology");
    assert.ok(calls.length > duringOutage);
    assert.equal(await openUpdates(db), 0, "nothing left in the inbox, nothing parked");
    assert.equal(exited, false, "the process kept running");
    assert.ok(bot.lines.some((l) => /^WARN Cannot store \d+ incoming update/.test(l)));
  } finally {
    await db.close();
    bot.kill("SIGTERM");
    await bot.status;
  }

  assert.ok(!bot.lines.some((l) => /^ERROR/.test(l)), bot.lines.join("\n"));
  assert.ok(!bot.lines.some((l) => l.includes("сообщение")), "no message text in the log");
});

Deno.test({
  name: "stopped while its database is down: the bot still exits at once, by the signal" +
    ("missing" in cluster ? ` — skipped: ${cluster.missing}` : ""),
  ignore: "missing" in cluster,
}, async () => {
  await using pg = await startPgCluster();
  await using api = startFakeBotApi();
  await using openai = await startOpenAiMock({ replyTo: answerTo });
  const bot = spawnSoulbot(
    ["bot"],
    fakeServicesEnv({ databaseUrl: pg.url, apiRoot: api.apiRoot, openaiBaseUrl: openai.baseUrl }),
  );
  try {
    await bot.waitForLine(/^✅ Bot authorised as @soulnear_test_bot and polling/, 60_000);
    const who = PEOPLE[0]!;
    const u = new Updates();
    api.push(u.command(who, "/start"));
    await api.waitFor((calls) => calls.some((c) => c.method === "sendMessage:done"), 30_000);
    await pg.stop();
    api.push(u.text(who, "привет"));
    // A second failed attempt: by then the driver has failed to connect many times over (its
    // reconnect delay once grew to 20 s with that, and a stop waited it out, for minutes).
    await bot.waitForLine(/^WARN Cannot store 1 incoming update\(s\) 2×/, 90_000);
    bot.kill("SIGTERM");
    // The drain bound (10 s) and one bounded last write each; not a speed figure.
    await bot.waitForLine(/^Polling stopped/, 20_000);
    const status = await bot.status;
    assert.equal(status.code, 0, bot.lines.join("\n"));
  } finally {
    bot.kill("SIGKILL");
    await bot.status;
  }
  assert.ok(!bot.lines.some((l) => l.includes("привет")), "no message text in the log");
});

const quiet = createLogger({ level: "error" });
const HELPLINES = await loadHelplines();

/** Updates in the inbox not handled yet (or parked). */
async function openUpdates(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM inbox WHERE status <> 'done'",
  );
  return row!.n;
}

/** The texts sent to `who` that answer a message (the model's echo), in order. */
function replies(calls: ApiCall[], who: Person): string[] {
  return calls.filter((c) => c.method === "sendMessage:done" && c.payload.chat_id === who.id)
    .map((c) => String(c.payload.text)).filter((t) => t.startsWith("Ответ на: "));
}

/** How many outage notices `who` was sent. */
function notices(calls: ApiCall[], who: Person): number {
  return calls.filter((c) =>
    c.method === "sendMessage:done" && c.payload.chat_id === who.id &&
    c.payload.text === outageMessage(mainNumber(HELPLINES))
  ).length;
}

/** The toasts a press was answered with (Telegram took the first only). */
function toasts(calls: ApiCall[], id: string): (string | undefined)[] {
  return calls.filter((c) =>
    c.method === "answerCallbackQuery" && c.payload.callback_query_id === id
  )
    .slice(0, 1).map((c) => c.payload.text as string | undefined);
}

/** A database that answers every statement `slowMs` late. */
function slowed(inner: TestDb, outage: { slowMs: number }): TestDb {
  const slow = () => new Promise((r) => setTimeout(r, outage.slowMs));
  const guard = (q: Queryable): Queryable => ({
    query: async (sql, params, opts) => {
      await slow();
      return await q.query(sql, params, opts);
    },
    exec: (sql) => q.exec(sql),
  });
  return {
    ...inner,
    ...guard(inner),
    transaction: (fn) => inner.transaction((tx) => fn(guard(tx))),
    [Symbol.asyncDispose]: () => inner[Symbol.asyncDispose](),
  };
}

Deno.test("a slow database: the press is answered within the bound, a late toast's words come in the chat", async () => {
  const outage = { slowMs: 0 };
  await using db = slowed(await freshDb(), outage);
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
