// Statistics are counted by the calendar day in Moscow, whatever the server's time zone.

import assert from "node:assert/strict";
import { statDate } from "./daily.ts";

Deno.test("the statistics day is Moscow's date", () => {
  assert.equal(statDate(new Date("2026-11-24T20:59:59Z")), "2026-11-24");
  assert.equal(statDate(new Date("2026-11-24T21:00:00Z")), "2026-11-25");
  assert.equal(statDate(new Date("2026-12-31T22:30:00Z")), "2027-01-01");
});
