import assert from "node:assert/strict";
import { plural } from "./plural.ts";

Deno.test("Russian plural forms", () => {
  const forms = ["месяц", "месяца", "месяцев"] as const;
  assert.deepEqual(
    [1, 2, 5, 11, 12, 14, 21, 22, 25, 111, 101].map((n) => plural(n, forms)),
    [
      "1 месяц",
      "2 месяца",
      "5 месяцев",
      "11 месяцев",
      "12 месяцев",
      "14 месяцев",
      "21 месяц",
      "22 месяца",
      "25 месяцев",
      "111 месяцев",
      "101 месяц",
    ],
  );
});
