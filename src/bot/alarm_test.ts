import assert from "node:assert/strict";
import { createAlarm } from "./alarm.ts";

Deno.test("alarm: a wake-up ends a nap, and one before the nap is not lost", async () => {
  const alarm = createAlarm();
  const napping = alarm.nap(Infinity);
  alarm.wake();
  await napping;
  alarm.wake();
  await alarm.nap(Infinity); // returns at once
  alarm.reset();
  assert.equal(alarm.woken, false);
});

Deno.test("alarm: a nap ends after its time or at the earliest moment set, whichever is first", async () => {
  const alarm = createAlarm();
  let started = Date.now();
  await alarm.nap(30);
  assert.ok(Date.now() - started >= 25);
  alarm.at(Date.now() + 40);
  alarm.at(Date.now() + 10_000);
  started = Date.now();
  await alarm.nap(Infinity);
  const took = Date.now() - started;
  assert.ok(took >= 30 && took < 5_000, `${took} ms`);
});
