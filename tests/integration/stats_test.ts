// The day's tally (src/stats/tally.ts) on the real database: parallel interactions and counters,
// flushed by several processes' tallies at once, never create a second row for a date or lose an
// increment; a new user is counted once even when two first messages race each other; a flush
// that fails loses nothing; sessions are extended across flushes.

import assert from "node:assert/strict";
import { freshDb, type TestDb } from "../harness/db.ts";
import { countAssistantMessage, countDaily } from "../../src/stats/daily.ts";
import { createTally, type Tally } from "../../src/stats/tally.ts";
import { touchUser } from "../../src/users/users.ts";
import { createLogger } from "../../src/log.ts";

const DATE = "2026-11-24";
const NOW = new Date("2026-11-24T09:00:00Z");
const quiet = createLogger({ level: "error" });

async function day(db: TestDb, columns: string) {
  const [row] = await db.query<Record<string, number>>(
    `SELECT ${columns} FROM statistic_day WHERE date = $1`,
    [DATE],
  );
  return row;
}

Deno.test("tally: three tallies flushing at once, with direct counters: one row per date, no lost counts", async () => {
  await using db = await freshDb();
  const users = Array.from({ length: 20 }, (_, i) => 500_000 + i);
  for (const id of users) await touchUser(db, { id, first_name: "U" }, NOW);
  const tallies = [createTally(db, quiet), createTally(db, quiet), createTally(db, quiet)];
  // Every user twice (one message, one button) on each tally; menus counted too.
  for (const tally of tallies) {
    for (const userId of users) {
      tally.interaction({ userId, at: NOW, newUser: false, message: true });
      tally.interaction({ userId, at: NOW, newUser: false, message: false });
    }
    for (let i = 0; i < 10; i++) tally.count("menu", NOW);
  }
  await Promise.all([
    ...tallies.map((t) => t.flush()),
    ...Array.from({ length: 30 }, () => countDaily(db, DATE, "menu")),
  ]);
  const dup = await db.query(
    "SELECT date, COUNT(*) FROM statistic_day GROUP BY date HAVING COUNT(*) > 1",
  );
  assert.deepEqual(dup, []);
  assert.deepEqual(await day(db, "active_users, events, messages, menu"), {
    active_users: 20,
    events: 120,
    messages: 60,
    menu: 60,
  });
  const perUser = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM user_activity_day WHERE date = $1 AND events = 6",
    [DATE],
  );
  assert.equal(perUser[0]?.n, 20);
  // Nothing left to write: another flush adds nothing.
  for (const t of tallies) await t.flush();
  assert.deepEqual(await day(db, "events"), { events: 120 });
});

Deno.test("tally: two first contacts at once create one user and count one new user", async () => {
  await using db = await freshDb();
  const tally = createTally(db, quiet);
  const first = async () => {
    const { inserted } = await touchUser(db, { id: 777, first_name: "Вера" }, NOW);
    tally.interaction({ userId: 777, at: NOW, newUser: inserted, message: true });
    return inserted;
  };
  const results = await Promise.all([first(), first(), first()]);
  assert.equal(results.filter(Boolean).length, 1);
  await tally.flush();
  assert.deepEqual(await day(db, "new_users, active_users, messages"), {
    new_users: 1,
    active_users: 1,
    messages: 3,
  });
});

Deno.test("tally: a user whose day row the free-limit count made first is still counted active", async () => {
  await using db = await freshDb();
  await touchUser(db, { id: 778, first_name: "Вера" }, NOW);
  const tally = createTally(db, quiet);
  tally.interaction({ userId: 778, at: NOW, newUser: false, message: true });
  // The chat feature counts the message against the free limit before the tally is written,
  // and the day's helper total in the tally.
  assert.equal(await countAssistantMessage(db, 778, DATE, 10), 1);
  tally.count("helper", NOW);
  await tally.flush();
  assert.deepEqual(await day(db, "active_users, messages, helper"), {
    active_users: 1,
    messages: 1,
    helper: 1,
  });
  // The next day's flush of the same user on the same date does not count them again.
  tally.interaction({ userId: 778, at: NOW, newUser: false, message: true });
  await tally.flush();
  assert.deepEqual(await day(db, "active_users, messages"), { active_users: 1, messages: 2 });
});

Deno.test("tally: an unknown counter name is refused before any SQL is built", () => {
  const tally = createTally({ transaction: () => Promise.reject(new Error("no SQL")) }, quiet);
  assert.throws(
    () => tally.count("menu; DROP TABLE users" as "menu", NOW),
    /Unknown daily counter/,
  );
});

Deno.test("tally: a failed flush keeps its counts for the next, merged with new ones", async () => {
  await using db = await freshDb();
  await touchUser(db, { id: 902, first_name: "F" }, NOW);
  let broken = true;
  const tally: Tally = createTally({
    transaction: (fn) => broken ? Promise.reject(new Error("connection lost")) : db.transaction(fn),
  }, quiet);
  tally.interaction({ userId: 902, at: NOW, newUser: true, message: true });
  tally.count("settings", NOW, 2);
  await assert.rejects(() => tally.flush(), /connection lost/);
  assert.equal(await day(db, "events"), undefined);
  tally.interaction({ userId: 902, at: NOW, newUser: false, message: false });
  broken = false;
  await tally.flush();
  assert.deepEqual(await day(db, "new_users, active_users, events, messages, settings"), {
    new_users: 1,
    active_users: 1,
    events: 2,
    messages: 1,
    settings: 2,
  });
  assert.deepEqual(tally.unwritten(902), { dates: [], messages: 0 });
});

Deno.test("tally: counts of a user deleted meanwhile are dropped, the rest is written", async () => {
  await using db = await freshDb();
  await touchUser(db, { id: 903, first_name: "A" }, NOW);
  await touchUser(db, { id: 904, first_name: "B" }, NOW);
  const tally = createTally(db, quiet);
  tally.interaction({ userId: 903, at: NOW, newUser: false, message: true });
  tally.interaction({ userId: 904, at: NOW, newUser: false, message: true });
  await db.query("DELETE FROM users WHERE id = 903");
  await tally.flush();
  const rows = await db.query<{ user_id: number }>(
    "SELECT user_id FROM user_activity_day UNION ALL SELECT user_id FROM user_sessions",
  );
  assert.deepEqual(rows.map((r) => Number(r.user_id)), [904, 904]);
});

Deno.test("tally: sessions — within 30 minutes extended, across flushes too; a longer gap starts one", async () => {
  await using db = await freshDb();
  await touchUser(db, { id: 901, first_name: "S" }, NOW);
  const tally = createTally(db, quiet);
  const at = (min: number) => new Date(NOW.getTime() + min * 60_000);
  // 0 and 10 in one flush, 40 (gap 30: same session), 71 (gap 31: new), 75, then 200 (new).
  tally.interaction({ userId: 901, at: at(0), newUser: false, message: true });
  tally.interaction({ userId: 901, at: at(10), newUser: false, message: true });
  await tally.flush();
  for (const min of [40, 71, 75, 200]) {
    tally.interaction({ userId: 901, at: at(min), newUser: false, message: true });
    await tally.flush();
  }
  const sessions = await db.query<{ minutes: number; events: number }>(
    `SELECT (extract(epoch FROM last_at - started_at) / 60)::int AS minutes, events
     FROM user_sessions WHERE user_id = 901 ORDER BY started_at`,
  );
  assert.deepEqual(sessions, [
    { minutes: 40, events: 3 },
    { minutes: 4, events: 2 },
    { minutes: 0, events: 1 },
  ]);
  const [seen] = await db.query<{ last: Date }>(
    "SELECT last_seen_at AS last FROM users WHERE id = 901",
  );
  assert.equal(new Date(seen!.last).getTime(), at(200).getTime());
});
