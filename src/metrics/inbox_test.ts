// The inbox gauges on a real database: counts by status and the oldest pending update's age.

import assert from "node:assert/strict";
import { freshDb } from "../../tests/harness/db.ts";
import { parsePrometheus, total } from "../../tests/harness/prometheus.ts";
import { createMetrics } from "./metrics.ts";
import { watchInbox } from "./inbox.ts";

Deno.test("inbox gauges: pending, working and parked counts and the oldest pending age", async () => {
  await using db = await freshDb();
  const metrics = createMetrics("bot");
  watchInbox(metrics, db);
  const read = async () => parsePrometheus(await metrics.registry.metrics());
  let samples = await read();
  assert.equal(total(samples, "soulnear_inbox_updates", { status: "pending" }), 0);
  assert.equal(total(samples, "soulnear_inbox_oldest_pending_seconds"), 0);
  await db.query(
    `INSERT INTO inbox (update_id, chat_key, payload, status, received_at, done_at) VALUES
       (1, '1', '{}', 'pending', now() - interval '90 seconds', NULL),
       (2, '2', '{}', 'pending', now(), NULL),
       (3, '3', '{}', 'working', now(), NULL),
       (4, '4', '{}', 'parked', now(), now()),
       (5, NULL, NULL, 'done', now(), now())`,
  );
  samples = await read();
  assert.equal(total(samples, "soulnear_inbox_updates", { status: "pending" }), 2);
  assert.equal(total(samples, "soulnear_inbox_updates", { status: "working" }), 1);
  assert.equal(total(samples, "soulnear_inbox_updates", { status: "parked" }), 1);
  const age = total(samples, "soulnear_inbox_oldest_pending_seconds");
  assert.ok(age >= 90 && age < 3600, String(age));
});
