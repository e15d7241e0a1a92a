// A small database with known statistics, relative to a given Moscow date `today`:
//   cohort C = today-10: 5 users; 3 return on day 1, 2 on day 7 (one more on days 6 and 8 only)
//   cohort today-2: 2 users, one returns the next day
//   sessions of 0 s, 10 min, 20 min and 50 min; quizzes: relationships 1 of 2 completed, fears 1/1
//   4 helper answers (first text 500..1100 ms, total 1500..4000 ms); statistic_day counters;
//   metric_day: 20 text updates (one failed), 600 statements, $0.30 of OpenAI, two warnings.
// Used by the stats CLI and api tests and for the sample report in the README.

import type { Queryable } from "../../src/db/db.ts";
import { addDays } from "../../src/stats/report.ts";

const at = (date: string, time = "12:00") => `${date}T${time}:00+03:00`;

export async function seedStats(db: Queryable, today: string): Promise<void> {
  const c = addDays(today, -10);
  const c2 = addDays(today, -2);
  const users: [number, string][] = [
    [1, c],
    [2, c],
    [3, c],
    [4, c],
    [5, c],
    [6, c2],
    [7, c2],
  ];
  for (const [id, day] of users) {
    await db.query(
      "INSERT INTO users (id, first_name, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
      [id, `U${id}`, at(day)],
    );
  }
  const active: [number, string][] = [
    ...users.map(([id, day]): [number, string] => [id, day]),
    [1, addDays(c, 1)],
    [2, addDays(c, 1)],
    [3, addDays(c, 1)],
    [1, addDays(c, 7)],
    [2, addDays(c, 7)],
    [3, addDays(c, 6)],
    [3, addDays(c, 8)],
    [6, addDays(c2, 1)],
  ];
  for (const [id, day] of active) {
    await db.query("INSERT INTO user_activity_day (user_id, date, events) VALUES ($1, $2, 3)", [
      id,
      day,
    ]);
  }
  for (
    const [id, start, minutes] of [[1, "10:00", 0], [2, "11:00", 10], [6, "12:00", 20], [
      7,
      "13:00",
      50,
    ]] as const
  ) {
    const started = new Date(at(addDays(today, -1), start));
    await db.query(
      "INSERT INTO user_sessions (user_id, started_at, last_at, events) VALUES ($1, $2, $3, 4)",
      [id, started, new Date(started.getTime() + minutes * 60_000)],
    );
  }
  for (
    const [id, category, status] of [[1, "relationships", "completed"], [
      2,
      "relationships",
      "active",
    ], [6, "fears", "completed"]] as const
  ) {
    await db.query(
      `INSERT INTO quiz_sessions (user_id, category, status, adaptive, plan, started_at)
       VALUES ($1, $2, $3, true, '[]', $4)`,
      [id, category, status, at(addDays(today, -1))],
    );
  }
  for (const [first, total] of [[500, 1500], [700, 2000], [900, 2500], [1100, 4000]]) {
    await db.query(
      `INSERT INTO conversation_history
         (user_id, assistant, role, content, model, cost_usd, first_text_ms, total_ms, created_at)
       VALUES (6, 'helper', 'assistant', 'ответ', 'gpt-4o-mini', 0.0002, $1, $2, $3)`,
      [first, total, at(addDays(today, -1))],
    );
  }
  const day = addDays(today, -1);
  await db.query(
    `INSERT INTO statistic_day (date, new_users, active_users, messages, helper, soulsleep,
       quiz_started, quiz_completed, settings, profile, menu, payments_started,
       payments_succeeded, earn)
     VALUES ($1, 2, 4, 9, 4, 1, 3, 2, 1, 2, 6, 1, 1, 1111), ($2, 0, 2, 1, 1, 0, 0, 0, 0, 0, 1,
       0, 0, 0)`,
    [day, today],
  );
  const metric = (date: string, name: string, labels: Record<string, string>, value: number) =>
    db.query(
      "INSERT INTO metric_day (date, service, name, labels, value) VALUES ($1, 'bot', $2, $3, $4)",
      [date, name, labels, value],
    );
  const u = "soulnear_update_duration_seconds";
  await metric(day, `${u}_count`, { type: "message:text", outcome: "ok" }, 19);
  await metric(day, `${u}_sum`, { type: "message:text", outcome: "ok" }, 19 * 0.2);
  await metric(day, `${u}_bucket`, { type: "message:text", outcome: "ok", le: "0.1" }, 0);
  await metric(day, `${u}_bucket`, { type: "message:text", outcome: "ok", le: "0.25" }, 19);
  await metric(day, `${u}_bucket`, { type: "message:text", outcome: "ok", le: "+Inf" }, 19);
  await metric(day, `${u}_count`, { type: "message:text", outcome: "error" }, 1);
  await metric(day, `${u}_sum`, { type: "message:text", outcome: "error" }, 4);
  await metric(day, `${u}_bucket`, { type: "message:text", outcome: "error", le: "0.25" }, 0);
  await metric(day, `${u}_bucket`, { type: "message:text", outcome: "error", le: "+Inf" }, 1);
  const q = "soulnear_db_query_duration_seconds";
  await metric(day, `${q}_count`, { operation: "select", outcome: "ok" }, 600);
  await metric(day, `${q}_sum`, { operation: "select", outcome: "ok" }, 1.2);
  const o = { model: "gpt-4o-mini" };
  await metric(
    day,
    "soulnear_openai_requests_total",
    { ...o, operation: "chat", outcome: "ok" },
    5,
  );
  await metric(day, "soulnear_openai_tokens_total", { ...o, type: "input" }, 1_000_000);
  await metric(day, "soulnear_openai_tokens_total", { ...o, type: "output" }, 250_000);
  await metric(day, "soulnear_openai_cost_usd_total", o, 0.3);
  await metric(day, "soulnear_telegram_requests_total", {
    method: "sendMessage",
    outcome: "ok",
  }, 40);
  await metric(day, "soulnear_telegram_requests_total", {
    method: "sendMessage",
    outcome: "rate_limited",
  }, 1);
  await metric(day, "soulnear_log_events_total", {
    level: "warn",
    kind: "Answer failed",
  }, 2);
}
