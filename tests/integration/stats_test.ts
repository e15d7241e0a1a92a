// statistic_day under concurrency: parallel interactions and counters never create a second row
// for a date or lose an increment, and a new user is counted once even when two first messages
// race each other.

import assert from "node:assert/strict";
import { freshDb } from "../harness/db.ts";
import { countDaily, recordActivity } from "../../src/stats/daily.ts";
import { touchUser } from "../../src/users/users.ts";

const DATE = "2026-11-24";
const NOW = new Date("2026-11-24T09:00:00Z");

Deno.test("parallel increments: one row per date, no lost counts", async () => {
  await using db = await freshDb();
  const users = Array.from({ length: 20 }, (_, i) => 500_000 + i);
  for (const id of users) await touchUser(db, { id, first_name: "U" }, NOW);
  // Every user twice (one message, one button), plus 30 counter bumps, all at once.
  await Promise.all([
    ...users.flatMap((userId) => [
      db.transaction((tx) =>
        recordActivity(tx, { userId, at: NOW, date: DATE, newUser: false, message: true })
      ),
      db.transaction((tx) =>
        recordActivity(tx, { userId, at: NOW, date: DATE, newUser: false, message: false })
      ),
    ]),
    ...Array.from({ length: 30 }, () => countDaily(db, DATE, "menu")),
  ]);
  const dup = await db.query(
    "SELECT date, COUNT(*) FROM statistic_day GROUP BY date HAVING COUNT(*) > 1",
  );
  assert.deepEqual(dup, []);
  const [day] = await db.query<Record<string, number>>(
    "SELECT active_users, events, messages, menu FROM statistic_day WHERE date = $1",
    [DATE],
  );
  assert.deepEqual(day, { active_users: 20, events: 40, messages: 20, menu: 30 });
  const perUser = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM user_activity_day WHERE date = $1 AND events = 2",
    [DATE],
  );
  assert.equal(perUser[0]?.n, 20);
});

Deno.test("two first contacts at once create one user and count one new user", async () => {
  await using db = await freshDb();
  const first = () =>
    db.transaction(async (tx) => {
      const { inserted } = await touchUser(tx, { id: 777, first_name: "Вера" }, NOW);
      await recordActivity(tx, {
        userId: 777,
        at: NOW,
        date: DATE,
        newUser: inserted,
        message: true,
      });
      return inserted;
    });
  const results = await Promise.all([first(), first(), first()]);
  assert.equal(results.filter(Boolean).length, 1);
  const [day] = await db.query<Record<string, number>>(
    "SELECT new_users, active_users, messages FROM statistic_day",
  );
  assert.deepEqual(day, { new_users: 1, active_users: 1, messages: 3 });
  const [users] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
  assert.equal(users?.n, 1);
});

Deno.test("an unknown counter name is refused before any SQL is built", async () => {
  await using db = await freshDb();
  await assert.rejects(
    () => countDaily(db, DATE, "menu; DROP TABLE users" as "menu"),
    /Unknown daily counter/,
  );
});

Deno.test("sessions: activity within 30 minutes extends a session, a longer gap starts one", async () => {
  await using db = await freshDb();
  await touchUser(db, { id: 901, first_name: "S" }, NOW);
  const at = (min: number) => new Date(NOW.getTime() + min * 60_000);
  // 0, 10, 40 (gap 30: same session), 71 (gap 31: new), 75, then 200 (new).
  for (const min of [0, 10, 40, 71, 75, 200]) {
    await db.transaction((tx) =>
      recordActivity(tx, { userId: 901, at: at(min), date: DATE, newUser: false, message: true })
    );
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
});
