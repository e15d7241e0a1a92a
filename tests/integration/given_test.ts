// The scenarios' prepared state "onboarded" (tests/harness/given.ts) leaves the database as the
// onboarding it stands for: each variant is replayed through the bot on one database and given
// on another, and every table (but the inbox, which only the replay's updates went through) must
// hold the same.
// The update and message numbers the state takes are the replay's too: the next update is
// numbered alike and the bot's answer to it gets the same message id.

import assert from "node:assert/strict";
import { startTestBot, TEST_NOW } from "../harness/bot.ts";
import { ALICE, BOB, type Person, Updates } from "../harness/telegram.ts";
import { givenOnboarded, type Onboarded } from "../harness/given.ts";
import { freshDb } from "../harness/db.ts";
import type { Queryable } from "../../src/db/db.ts";
import { OB } from "../../src/bot/screens/onboarding.ts";

const NAMELESS: Person = { id: 100_003, first_name: "🌸".repeat(33) };

interface Variant {
  who: Person;
  state: Onboarded;
  /** How the replayed onboarding gives each answer: a button or a typed text. */
  name: { tap: string } | { text: string };
  age: { tap: string } | { text: string };
  gender: { tap: string } | { text: string };
}

const VARIANTS: Record<string, Variant[]> = {
  "Telegram name, age and gender skipped": [{
    who: ALICE,
    state: { given: "onboarded" },
    name: { tap: OB.nameDefault },
    age: { tap: OB.ageSkip },
    gender: { tap: OB.genderSkip },
  }],
  "Telegram name, age typed, gender tapped": [{
    who: ALICE,
    state: { given: "onboarded", name: "Алиса", age: 29, gender: "female" },
    name: { tap: OB.nameDefault },
    age: { text: "29" },
    gender: { tap: OB.female },
  }],
  "a typed name, and two people": [{
    who: NAMELESS,
    state: { given: "onboarded", user: "nameless", name: "Лу", gender: "male" },
    name: { text: "Лу" },
    age: { tap: OB.ageSkip },
    gender: { tap: OB.male },
  }, {
    who: BOB,
    state: { given: "onboarded", user: "bob", name: "Роберт", age: 41 },
    name: { text: "Роберт" },
    age: { text: "41" },
    gender: { tap: OB.genderSkip },
  }],
};

/**
 * Every table but the inbox, rows sorted; times set by the database's own clock (column
 * defaults) are masked, the test clock's time and dates are kept.
 */
async function dump(db: Queryable): Promise<Record<string, string[]>> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
       AND table_name NOT IN ('inbox', 'schema_migrations')
     ORDER BY table_name`,
  );
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = await db.query<Record<string, unknown>>(`SELECT * FROM ${name}`);
    out[name] = rows.map((r) =>
      JSON.stringify(r, (_k, v) => {
        if (typeof v !== "string" || !/^\d{4}-\d\d-\d\dT/.test(v)) return v;
        const kept = Date.parse(v) === Date.parse(TEST_NOW) || /T00:00:00(\.0+)?Z$/.test(v);
        return kept ? v : "<database clock>";
      })
    ).sort();
  }
  return out;
}

for (const [title, variants] of Object.entries(VARIANTS)) {
  Deno.test(`given onboarded leaves what onboarding leaves: ${title}`, async () => {
    await using t = await startTestBot();
    const u = new Updates();
    const step = (who: Person, s: { tap: string } | { text: string }) =>
      "tap" in s ? u.callback(who, s.tap, newest(who)) : u.text(who, s.text);
    const newest = (who: Person) => {
      const sent = t.api.calls.filter((c) => c.payload.chat_id === who.id && c.result);
      return (sent.at(-1)!.result as { message_id: number }).message_id;
    };
    for (const v of variants) {
      await t.send(u.command(v.who, "/start"));
      await t.send(u.callback(v.who, OB.consent, newest(v.who)));
      for (const s of [v.name, v.age, v.gender]) await t.send(step(v.who, s));
    }
    const replayed = await dump(t.db);
    const next = u.text(ALICE, "/menu");
    await t.send(next);

    await using db = await freshDb();
    await using g = await startTestBot({ db });
    const given = new Updates();
    for (const v of variants) {
      const history = await givenOnboarded(db, v.who, v.state, new Date(TEST_NOW));
      given.skip(history.updates, history.messages);
      g.api.skipMessageIds(history.messageIds);
    }
    assert.deepEqual(await dump(db), replayed);
    // The next update gets the same numbers, and so does the bot's answer to it.
    assert.deepEqual(given.text(ALICE, "/menu"), next);
    await g.send(next);
    assert.deepEqual(g.api.calls.at(-1)!.result, t.api.calls.at(-1)!.result);
  });
}

Deno.test("given onboarded refuses a name onboarding would not take and an impossible age", async () => {
  await using db = await freshDb();
  const now = new Date(TEST_NOW);
  await assert.rejects(givenOnboarded(db, NAMELESS, { given: "onboarded" }, now), /not a name/);
  await assert.rejects(givenOnboarded(db, BOB, { given: "onboarded", age: 7 }, now), /age 7/);
});
