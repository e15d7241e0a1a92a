import assert from "node:assert/strict";
import { ID, idFrom, pattern } from "./callback_ids.ts";

Deno.test("idFrom reads 1 to 15 digits and nothing else", () => {
  assert.equal(idFrom("1"), 1);
  assert.equal(idFrom("0"), 0);
  assert.equal(idFrom("000000000000042"), 42);
  assert.equal(idFrom("999999999999999"), 999_999_999_999_999);
  for (
    const bad of [
      undefined,
      "",
      "1234567890123456",
      "9223372036854775807",
      "99999999999999999999",
      "-1",
      "1.5",
      "1e3",
      "NaN",
      "Infinity",
      " 1",
      "1 ",
      "0x10",
      "١٢٣",
      "1\n",
    ]
  ) {
    assert.equal(idFrom(bad), undefined, JSON.stringify(bad));
  }
});

Deno.test("a callback data pattern matches whole data with ids of at most 15 digits", () => {
  const check = pattern`pay:check:${ID}`;
  assert.equal(check.exec("pay:check:42")?.[1], "42");
  assert.equal(check.exec("pay:check:999999999999999")?.[1], "999999999999999");
  for (
    const bad of ["pay:check:9223372036854775807", "pay:check:-1", "pay:check:", "xpay:check:1"]
  ) {
    assert.equal(check.exec(bad), null, bad);
  }
  assert.equal(check.exec("pay:check:1\n"), null);
  assert.deepEqual(pattern`quiz:a:${ID}:${ID}:(\w+)`.exec("quiz:a:7:3:skip")?.slice(1), [
    "7",
    "3",
    "skip",
  ]);
});
