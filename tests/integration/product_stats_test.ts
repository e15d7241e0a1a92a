// Product statistics against seeded rows with known answers: retention cohorts by Moscow
// registration day, session durations, quiz completion, feature usage with missing days filled,
// OpenAI cost per active user, and an empty database.

import assert from "node:assert/strict";
import type { Queryable } from "../../src/db/db.ts";
import { freshDb } from "../harness/db.ts";
import {
  featureUsage,
  openAiCost,
  type Period,
  productStats,
  quizCompletion,
  retention,
  sessions,
  userCounts,
} from "../../src/stats/product.ts";

const MARCH: Period = { from: "2026-03-01", to: "2026-03-10" };

async function user(db: Queryable, id: number, createdAt: string): Promise<void> {
  await db.query("INSERT INTO users (id, first_name, created_at) VALUES ($1, 'U', $2)", [
    id,
    new Date(createdAt),
  ]);
}

async function active(db: Queryable, id: number, ...dates: string[]): Promise<void> {
  for (const date of dates) {
    await db.query(
      "INSERT INTO user_activity_day (user_id, date, events) VALUES ($1, $2, 1)",
      [id, date],
    );
  }
}

/**
 * Cohort 03-02 (users 1-5): D1 users 1-3, D7 users 1-2 (user 3 active on days 6 and 8 only).
 * Cohort 03-04 (users 11-13): D1 user 11, D7 users 11 and 13.
 * Cohort 03-10 (users 21-22): D1 user 21; D7 not over yet on 03-12.
 * Outside: users 41-42 registered 02-25 (active in March), user 31 at 00:30 Moscow on 03-11.
 */
async function seedRetention(db: Queryable): Promise<void> {
  await user(db, 1, "2026-03-02T07:00:00Z");
  await user(db, 2, "2026-03-02T10:00:00Z");
  await user(db, 3, "2026-03-02T15:00:00Z");
  await user(db, 4, "2026-03-02T20:30:00Z"); // 23:30 Moscow on 03-02
  await user(db, 5, "2026-03-01T21:30:00Z"); // 00:30 Moscow on 03-02 (still 03-01 in UTC)
  await active(db, 1, "2026-03-02", "2026-03-03", "2026-03-09");
  await active(db, 2, "2026-03-03", "2026-03-09");
  await active(db, 3, "2026-03-02", "2026-03-03", "2026-03-08", "2026-03-10");
  await active(db, 4, "2026-03-02", "2026-03-04");
  await active(db, 5, "2026-03-02");

  await user(db, 11, "2026-03-03T21:30:00Z"); // 00:30 Moscow on 03-04
  await user(db, 12, "2026-03-04T12:00:00Z");
  await user(db, 13, "2026-03-04T20:59:59Z"); // 23:59:59 Moscow on 03-04
  await active(db, 11, "2026-03-05", "2026-03-11");
  await active(db, 12, "2026-03-04", "2026-03-06");
  await active(db, 13, "2026-03-11");

  await user(db, 21, "2026-03-10T09:00:00Z");
  await user(db, 22, "2026-03-10T10:00:00Z");
  await active(db, 21, "2026-03-11");

  await user(db, 31, "2026-03-10T21:30:00Z"); // 00:30 Moscow on 03-11: after the period
  await active(db, 31, "2026-03-12", "2026-03-18");
  await user(db, 41, "2026-02-25T10:00:00Z");
  await user(db, 42, "2026-02-25T11:00:00Z");
  await active(db, 41, "2026-02-26", "2026-03-04");
  await active(db, 42, "2026-02-26", "2026-03-04");
}

Deno.test("retention: cohorts by Moscow registration day, Dn only once the day is over", async () => {
  await using db = await freshDb();
  await seedRetention(db);
  assert.deepEqual(await retention(db, MARCH, "2026-03-12"), {
    cohorts: [
      {
        date: "2026-03-02",
        users: 5,
        d1: { returned: 3, of: 5, rate: 0.6 },
        d7: { returned: 2, of: 5, rate: 0.4 },
        d30: null,
      },
      {
        date: "2026-03-04",
        users: 3,
        d1: { returned: 1, of: 3, rate: 1 / 3 },
        d7: { returned: 2, of: 3, rate: 2 / 3 },
        d30: null,
      },
      {
        date: "2026-03-10",
        users: 2,
        d1: { returned: 1, of: 2, rate: 0.5 },
        d7: null,
        d30: null,
      },
    ],
    d1: { returned: 5, of: 10, rate: 0.5 },
    d7: { returned: 4, of: 8, rate: 0.5 },
    d30: null,
  });
});

Deno.test("retention: a day that is today does not count yet", async () => {
  await using db = await freshDb();
  await seedRetention(db);
  // On 03-11 neither D1 of the 03-10 cohort nor D7 of the 03-04 cohort (both 03-11) is over.
  const r = await retention(db, MARCH, "2026-03-11");
  assert.deepEqual(r.cohorts.map((c) => [c.date, c.d1?.returned ?? null, c.d7?.returned ?? null]), [
    ["2026-03-02", 3, 2],
    ["2026-03-04", 1, null],
    ["2026-03-10", null, null],
  ]);
  assert.deepEqual(r.d1, { returned: 4, of: 8, rate: 0.5 });
  assert.deepEqual(r.d7, { returned: 2, of: 5, rate: 0.4 });
  assert.equal(r.d30, null);
});

Deno.test("retention: D30 is counted once day 30 is over", async () => {
  await using db = await freshDb();
  await seedRetention(db);
  await active(db, 2, "2026-04-01"); // day 30 of the 03-02 cohort
  const r = await retention(db, { from: "2026-03-02", to: "2026-03-02" }, "2026-04-02");
  assert.deepEqual(r.cohorts.map((c) => c.d30), [{ returned: 1, of: 5, rate: 0.2 }]);
  assert.deepEqual(r.d30, { returned: 1, of: 5, rate: 0.2 });
});

Deno.test("sessions: durations of sessions started on Moscow days of the period", async () => {
  await using db = await freshDb();
  for (const id of [1, 2, 3]) await user(db, id, "2026-02-01T10:00:00Z");
  const session = (id: number, start: string, seconds: number) =>
    db.query("INSERT INTO user_sessions (user_id, started_at, last_at) VALUES ($1, $2, $3)", [
      id,
      new Date(start),
      new Date(new Date(start).getTime() + seconds * 1000),
    ]);
  await session(1, "2026-03-02T10:00:00Z", 0);
  await session(1, "2026-03-05T10:00:00Z", 600);
  await session(2, "2026-03-05T12:00:00Z", 1200);
  await session(2, "2026-03-10T20:00:00Z", 3000); // 23:00 Moscow on 03-10
  await session(3, "2026-03-10T21:30:00Z", 5000); // 00:30 Moscow on 03-11: outside
  await session(3, "2026-02-28T20:59:59Z", 7000); // 23:59:59 Moscow on 02-28: outside
  // p90 = 1200 + 0.7 * (3000 - 1200) = 2460 (percentile_cont interpolates).
  assert.deepEqual(await sessions(db, MARCH), {
    count: 4,
    users: 2,
    avgSeconds: 1200,
    medianSeconds: 900,
    p90Seconds: 2460,
    perUser: 2,
  });
  assert.deepEqual(await sessions(db, { from: "2026-02-20", to: "2026-02-27" }), {
    count: 0,
    users: 0,
    avgSeconds: 0,
    medianSeconds: 0,
    p90Seconds: 0,
    perUser: 0,
  });
  await session(1, "2026-02-20T10:00:00.000Z", 100.6); // rounded to whole seconds
  assert.deepEqual(await sessions(db, { from: "2026-02-20", to: "2026-02-27" }), {
    count: 1,
    users: 1,
    avgSeconds: 101,
    medianSeconds: 101,
    p90Seconds: 101,
    perUser: 1,
  });
});

Deno.test("quiz completion: per category in fixed order, zeros for an unused one", async () => {
  await using db = await freshDb();
  for (const id of [1, 2, 3, 4]) await user(db, id, "2026-02-01T10:00:00Z");
  const quiz = (id: number, category: string, status: string, start: string) =>
    db.query(
      `INSERT INTO quiz_sessions (user_id, category, status, adaptive, plan, started_at,
         completed_at)
       VALUES ($1, $2, $3, false, '[]', $4, CASE WHEN $3 = 'completed' THEN $4::timestamptz END)`,
      [id, category, status, new Date(start)],
    );
  await quiz(1, "relationships", "completed", "2026-03-01T09:00:00Z");
  await quiz(2, "relationships", "completed", "2026-03-03T09:00:00Z");
  await quiz(3, "relationships", "completed", "2026-03-09T09:00:00Z");
  await quiz(4, "relationships", "abandoned", "2026-03-09T09:00:00Z");
  await quiz(1, "money", "completed", "2026-03-02T09:00:00Z");
  await quiz(2, "money", "abandoned", "2026-03-02T09:00:00Z");
  await quiz(1, "fears", "active", "2026-03-10T20:00:00Z"); // 23:00 Moscow on 03-10
  await quiz(4, "relationships", "completed", "2026-03-10T21:30:00Z"); // 03-11 in Moscow
  await quiz(4, "money", "completed", "2026-02-28T20:00:00Z"); // 02-28 in Moscow
  assert.deepEqual(await quizCompletion(db, MARCH), {
    categories: [
      { category: "relationships", started: 4, completed: 3, rate: 0.75 },
      { category: "money", started: 2, completed: 1, rate: 0.5 },
      { category: "confidence", started: 0, completed: 0, rate: 0 },
      { category: "fears", started: 1, completed: 0, rate: 0 },
    ],
    total: { category: "total", started: 7, completed: 4, rate: 4 / 7 },
  });
});

const ZERO_DAY = {
  new_users: 0,
  active_users: 0,
  messages: 0,
  helper: 0,
  soulsleep: 0,
  quiz_started: 0,
  quiz_completed: 0,
  settings: 0,
  profile: 0,
  menu: 0,
  payments_started: 0,
  payments_succeeded: 0,
  earn: 0,
  crisis_detected: 0,
};

Deno.test("feature usage: every date of the period, zeros for days without a row", async () => {
  await using db = await freshDb();
  const day = (date: string, n: number, earn: string) =>
    db.query(
      `INSERT INTO statistic_day (date, new_users, active_users, messages, helper, soulsleep,
         quiz_started, quiz_completed, settings, profile, menu, payments_started,
         payments_succeeded, earn, crisis_detected, events, onboarded)
       VALUES ($1, $2, $2 + 1, $2 + 2, $2 + 3, $2 + 4, $2 + 5, $2 + 6, $2 + 7, $2 + 8, $2 + 9,
         $2 + 10, $2 + 11, $3, $2 + 12, 999, 999)`,
      [date, n, earn],
    );
  await day("2026-02-28", 100, "5.00");
  await day("2026-03-02", 1, "1490.50");
  await day("2026-03-04", 20, "0");
  await day("2026-03-05", 100, "5.00");
  const counters = (n: number, earn: number) => ({
    new_users: n,
    active_users: n + 1,
    messages: n + 2,
    helper: n + 3,
    soulsleep: n + 4,
    quiz_started: n + 5,
    quiz_completed: n + 6,
    settings: n + 7,
    profile: n + 8,
    menu: n + 9,
    payments_started: n + 10,
    payments_succeeded: n + 11,
    earn,
    crisis_detected: n + 12,
  });
  assert.deepEqual(await featureUsage(db, { from: "2026-03-01", to: "2026-03-04" }), [
    { date: "2026-03-01", ...ZERO_DAY },
    { date: "2026-03-02", ...counters(1, 1490.5) },
    { date: "2026-03-03", ...ZERO_DAY },
    { date: "2026-03-04", ...counters(20, 0) },
  ]);
});

Deno.test("OpenAI cost: per day over models and services, per active user", async () => {
  await using db = await freshDb();
  const metric = (date: string, service: string, name: string, model: string, value: number) =>
    db.query(
      "INSERT INTO metric_day (date, service, name, labels, value) VALUES ($1, $2, $3, $4, $5)",
      [date, service, name, { model }, value],
    );
  const cost = "soulnear_openai_cost_usd_total";
  await metric("2026-03-01", "bot", cost, "gpt-4o-mini", 0.5);
  await metric("2026-03-01", "bot", cost, "gpt-4o", 1.25);
  await metric("2026-03-01", "api", cost, "gpt-4o-mini", 0.25);
  await metric("2026-03-01", "bot", "soulnear_openai_tokens_total", "gpt-4o", 12000);
  await metric("2026-03-02", "bot", cost, "gpt-4o-mini", 0.75); // nobody active that day
  await metric("2026-03-04", "bot", cost, "gpt-4o", 10); // outside the period
  await metric("2026-02-28", "bot", cost, "gpt-4o", 10); // outside the period
  await db.query(
    `INSERT INTO statistic_day (date, active_users) VALUES
       ('2026-03-01', 4), ('2026-03-03', 2), ('2026-03-04', 7)`,
  );
  for (const id of [1, 2, 3, 4, 5, 6]) await user(db, id, "2026-02-01T10:00:00Z");
  for (const id of [1, 2, 3, 4]) await active(db, id, "2026-03-01");
  await active(db, 1, "2026-03-03");
  await active(db, 5, "2026-03-03");
  await active(db, 6, "2026-03-04"); // outside the period
  assert.deepEqual(await openAiCost(db, { from: "2026-03-01", to: "2026-03-03" }), {
    days: [
      { date: "2026-03-01", costUsd: 2, activeUsers: 4, perActiveUser: 0.5 },
      { date: "2026-03-02", costUsd: 0.75, activeUsers: 0, perActiveUser: null },
      { date: "2026-03-03", costUsd: 0, activeUsers: 2, perActiveUser: 0 },
    ],
    totalUsd: 2.75,
    perActiveUser: 0.55, // 2.75 over 5 distinct users
  });
});

Deno.test("user counts: new users from the day counters, distinct active users", async () => {
  await using db = await freshDb();
  await seedRetention(db);
  await db.query(
    `INSERT INTO statistic_day (date, new_users) VALUES
       ('2026-02-25', 2), ('2026-03-02', 5), ('2026-03-04', 3), ('2026-03-10', 2),
       ('2026-03-11', 1)`,
  );
  // Active 03-01..03-10: users 1-5, 11-12, 41-42 (13, 21 and 31 only later).
  assert.deepEqual(await userCounts(db, MARCH), { new: 10, active: 9 });
});

Deno.test("product stats: all parts for one period", async () => {
  await using db = await freshDb();
  await seedRetention(db);
  await db.query("INSERT INTO statistic_day (date, new_users, active_users) VALUES ($1, 5, 5)", [
    "2026-03-02",
  ]);
  await db.query(
    `INSERT INTO user_sessions (user_id, started_at, last_at) VALUES
       (1, '2026-03-02T07:00:00Z', '2026-03-02T07:01:00Z'),
       (2, '2026-03-03T07:00:00Z', '2026-03-03T07:03:00Z')`,
  );
  await db.query(
    `INSERT INTO quiz_sessions (user_id, category, status, adaptive, plan, started_at)
     VALUES (1, 'money', 'completed', true, '[]', '2026-03-02T08:00:00Z')`,
  );
  const period = { from: "2026-03-02", to: "2026-03-03" };
  const stats = await productStats(db, period, "2026-03-12");
  assert.deepEqual(stats, {
    period,
    users: { new: 5, active: 5 },
    retention: {
      cohorts: [{
        date: "2026-03-02",
        users: 5,
        d1: { returned: 3, of: 5, rate: 0.6 },
        d7: { returned: 2, of: 5, rate: 0.4 },
        d30: null,
      }],
      d1: { returned: 3, of: 5, rate: 0.6 },
      d7: { returned: 2, of: 5, rate: 0.4 },
      d30: null,
    },
    sessions: {
      count: 2,
      users: 2,
      avgSeconds: 120,
      medianSeconds: 120,
      p90Seconds: 168,
      perUser: 1,
    },
    quizzes: {
      categories: [
        { category: "relationships", started: 0, completed: 0, rate: 0 },
        { category: "money", started: 1, completed: 1, rate: 1 },
        { category: "confidence", started: 0, completed: 0, rate: 0 },
        { category: "fears", started: 0, completed: 0, rate: 0 },
      ],
      total: { category: "total", started: 1, completed: 1, rate: 1 },
    },
    features: [
      { date: "2026-03-02", ...ZERO_DAY, new_users: 5, active_users: 5 },
      { date: "2026-03-03", ...ZERO_DAY },
    ],
    cost: {
      days: [
        { date: "2026-03-02", costUsd: 0, activeUsers: 5, perActiveUser: 0 },
        { date: "2026-03-03", costUsd: 0, activeUsers: 0, perActiveUser: null },
      ],
      totalUsd: 0,
      perActiveUser: 0,
    },
  });
});

Deno.test("empty database: zeros and nulls", async () => {
  await using db = await freshDb();
  const period = { from: "2026-03-01", to: "2026-03-02" };
  assert.deepEqual(await productStats(db, period, "2026-03-12"), {
    period,
    users: { new: 0, active: 0 },
    retention: { cohorts: [], d1: null, d7: null, d30: null },
    sessions: {
      count: 0,
      users: 0,
      avgSeconds: 0,
      medianSeconds: 0,
      p90Seconds: 0,
      perUser: 0,
    },
    quizzes: {
      categories: ["relationships", "money", "confidence", "fears"].map((category) => ({
        category,
        started: 0,
        completed: 0,
        rate: 0,
      })),
      total: { category: "total", started: 0, completed: 0, rate: 0 },
    },
    features: [{ date: "2026-03-01", ...ZERO_DAY }, { date: "2026-03-02", ...ZERO_DAY }],
    cost: {
      days: [
        { date: "2026-03-01", costUsd: 0, activeUsers: 0, perActiveUser: null },
        { date: "2026-03-02", costUsd: 0, activeUsers: 0, perActiveUser: null },
      ],
      totalUsd: 0,
      perActiveUser: null,
    },
  });
});
