// What an update costs the database, in statements the bot itself sends (the inbox's claim and
// done, and the day's tally written in batches, are counted apart: they are shared by many
// updates). A tap on a menu of an onboarded user outside any flow reads the user and the chat's
// state in one statement and writes nothing; the state is written only when it changed; an
// update taken for the first time reads nothing of earlier sends and records none of its own
// when it ends well.

import assert from "node:assert/strict";
import { freshDb, type TestDb } from "../harness/db.ts";
import { onboard, startTestBot } from "../harness/bot.ts";
import { ALICE, Updates } from "../harness/telegram.ts";
import { MENU } from "../../src/bot/nav.ts";
import { ST } from "../../src/bot/features/settings.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import type { Queryable } from "../../src/db/db.ts";

/** The database, with the statements the bot sends recorded (shared inbox and tally work aside). */
function recording(db: TestDb): { db: TestDb; statements: string[]; all: string[] } {
  const statements: string[] = [];
  const all: string[] = []; // shared work included
  const own = (sql: string) =>
    !/\binbox\b|user_activity_day|statistic_day|user_sessions|extract\(epoch FROM min/.test(sql);
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params, opts) => {
      all.push(sql.replace(/\s+/g, " ").trim());
      if (own(sql)) statements.push(sql.replace(/\s+/g, " ").trim());
      return q.query(sql, params, opts);
    },
    exec: (sql) => q.exec(sql),
  });
  const wrapped: TestDb = Object.assign(Object.create(db), {
    ...wrap(db),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(wrap(tx))),
  });
  return { db: wrapped, statements, all };
}

Deno.test("round trips: a menu tap reads user and state in one statement and writes nothing", async () => {
  await using base = await freshDb();
  const { db, statements } = recording(base);
  await using t = await startTestBot({ db });
  const u = new Updates();
  await onboard(t, u);
  for (const data of [MENU.main, MENU.help, MENU.main]) {
    statements.length = 0;
    await t.send(u.callback(ALICE, data, 1));
    assert.equal(statements.length, 1, `${data}: ${statements.join("\n")}`);
    assert.match(statements[0]!, /^SELECT .* LEFT JOIN aiogram_states/);
  }
});

Deno.test("round trips: the chat's state is written when it changes, and only then", async () => {
  await using base = await freshDb();
  const { db, statements } = recording(base);
  await using t = await startTestBot({ db });
  const u = new Updates();
  await onboard(t, u);
  const writes = () =>
    statements.filter((s) => /^(INSERT INTO|DELETE FROM) aiogram_states/.test(s));
  statements.length = 0;
  await t.send(u.callback(ALICE, MENU.helper, 1)); // enters the chat
  assert.equal(writes().length, 1);
  statements.length = 0;
  await t.send(u.command(ALICE, "/help")); // help keeps the chat as it is
  assert.deepEqual(writes(), []);
  statements.length = 0;
  await t.send(u.command(ALICE, "/menu")); // leaves the chat: the state row goes
  assert.equal(writes().length, 1);
  assert.match(writes()[0]!, /^DELETE FROM aiogram_states/);
  statements.length = 0;
  await t.send(u.command(ALICE, "/menu")); // nothing to delete any more
  assert.deepEqual(writes(), []);
});

Deno.test("round trips: an update taken the first time that ends well neither reads nor records its sends", async () => {
  await using base = await freshDb();
  const { db, statements } = recording(base);
  await using t = await startTestBot({ db });
  const u = new Updates();
  await onboard(t, u);
  statements.length = 0;
  await t.send(u.command(ALICE, "/menu"));
  assert.deepEqual(statements.filter((s) => /update_sends/.test(s)), []);
  assert.equal(t.api.texts().length, 1);
});

Deno.test("round trips: the style comes with the user's record — the profile card reads two more, a style change writes once and shows what it wrote", async () => {
  await using base = await freshDb();
  const { db, statements } = recording(base);
  await using t = await startTestBot({ db });
  const u = new Updates();
  await onboard(t, u);
  statements.length = 0;
  await t.send(u.callback(ALICE, MENU.profile, 1));
  // The record (with the style) and the quizzes; the activity read is the third (a tally table,
  // not recorded here).
  assert.equal(statements.length, 2, statements.join("\n"));
  assert.match(t.api.texts().at(-1)!, /Стиль ответов: дружелюбный/);
  assert.ok(!statements.some((s) => /FROM user_settings WHERE/.test(s)), statements.join("\n"));
  statements.length = 0;
  await t.send(u.callback(ALICE, ST.set("tone", "ironic", "m"), 1));
  assert.equal(statements.length, 2, statements.join("\n"));
  assert.match(statements[1]!, /^INSERT INTO user_settings .* RETURNING tone, personality, length/);
  assert.match(t.api.texts().at(-1)!, /ироничный/i, "the card shows the new tone");
  statements.length = 0;
  await t.send(u.callback(ALICE, MENU.settings, 1)); // read with the record: ironic
  assert.equal(statements.length, 1, statements.join("\n"));
  assert.match(t.api.texts().at(-1)!, /ироничный/i);
});

Deno.test("round trips: an answer — no day's total touched on the way (the tally counts it), one statement to save the reply", async () => {
  await using base = await freshDb();
  const { db, statements, all: everything } = recording(base);
  await using openai = await startOpenAiMock({ replyTo: (text: string) => `Ответ на: ${text}` });
  await using t = await startTestBot({ db, openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/helper"));
  statements.length = 0;
  everything.length = 0;
  await t.send(u.text(ALICE, "Мне сегодня грустно"));
  assert.equal(t.api.texts().at(-1), "Ответ на: Мне сегодня грустно");
  const all = statements.join("\n");
  // The record, the recent messages and the history; the message saved and its delivery opened
  // (with its count against the free limit, in user_activity_day, not recorded here: a third
  // statement of that transaction); the shown message ids; the reply; the delivery closed.
  assert.equal(statements.length, 8, all);
  // The day's totals are written only by the tally's batched flush (one row per day otherwise
  // taken by every message of every user).
  const daily = everything.filter((s) => /statistic_day/.test(s));
  assert.ok(daily.length > 0 && daily.every((s) => /jsonb_to_recordset/.test(s)), daily.join("\n"));
  assert.equal(
    statements.filter((s) => /^WITH taken AS .* INSERT INTO conversation_history/.test(s)).length,
    1,
    all,
  );
  const [day] = await base.query<{ helper: number }>("SELECT helper FROM statistic_day");
  assert.equal(day?.helper, 1, "the day's total, from the tally's flush");
});
