// Which database errors are retried: never-reached errors always, dropped connections only for
// idempotent work, query errors never; and the backoff helper itself.

import assert from "node:assert/strict";
import { isDropped, isNotReached, isReadOnly, withRetry } from "./transient.ts";

Deno.test("error classification", () => {
  assert.ok(isNotReached(Object.assign(new Error("x"), { code: "ECONNREFUSED" })));
  assert.ok(isNotReached(Object.assign(new Error("x"), { code: "08006" })));
  assert.ok(
    isNotReached(
      new Error("wrapped", { cause: Object.assign(new Error("y"), { code: "CONNECT_TIMEOUT" }) }),
    ),
  );
  assert.ok(isDropped(Object.assign(new Error("x"), { code: "CONNECTION_CLOSED" })));
  assert.ok(isDropped(Object.assign(new Error("x"), { code: "57P01" })));
  assert.ok(!isNotReached(Object.assign(new Error("dup"), { code: "23505" })));
  assert.ok(!isDropped(Object.assign(new Error("dup"), { code: "23505" })));
  assert.ok(isReadOnly("  SELECT 1"));
  assert.ok(!isReadOnly("insert into users values (1)"));
});

Deno.test("withRetry retries retryable errors with growing delays, then gives up", async () => {
  const delays: number[] = [];
  let calls = 0;
  const refused = Object.assign(new Error("refused"), { code: "ECONNREFUSED" });
  await assert.rejects(
    () =>
      withRetry(() => {
        calls++;
        return Promise.reject(refused);
      }, {
        attempts: 3,
        baseDelayMs: 100,
        retryable: isNotReached,
        sleep: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
      }),
    /refused/,
  );
  assert.equal(calls, 3);
  assert.deepEqual(delays, [100, 200]);
});

Deno.test("withRetry does not retry a query error", async () => {
  let calls = 0;
  await assert.rejects(() =>
    withRetry(() => {
      calls++;
      return Promise.reject(Object.assign(new Error("unique"), { code: "23505" }));
    }, { attempts: 5, baseDelayMs: 1, retryable: isNotReached })
  );
  assert.equal(calls, 1);
});
