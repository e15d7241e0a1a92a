// Tests for the price table: parsing and validation, cost arithmetic, dated model ids.
import assert from "node:assert/strict";
import { costUsd, DEFAULT_PRICES, parsePriceTable } from "./pricing.ts";

Deno.test("costUsd: per-million prices, rounded to 6 decimals", () => {
  assert.equal(costUsd(DEFAULT_PRICES, "gpt-4o-mini", 1_000_000, 1_000_000), 0.75);
  assert.equal(costUsd(DEFAULT_PRICES, "gpt-4o", 1000, 500), 0.0075);
  assert.equal(costUsd(DEFAULT_PRICES, "gpt-4.1-nano", 1, 1), 0.000001); // 0.0000005 rounds up
  assert.equal(costUsd(DEFAULT_PRICES, "gpt-4.1-mini", 0, 0), 0);
  assert.equal(costUsd({ m: [1 / 3, 0] }, "m", 1, 0), 0);
  assert.equal(costUsd({ m: [1 / 3, 0] }, "m", 1_000, 0), 0.000333);
});

Deno.test("costUsd: a dated id uses the longest matching base entry", () => {
  assert.equal(costUsd(DEFAULT_PRICES, "gpt-4o-mini-2024-07-18", 1_000_000, 0), 0.15);
  assert.equal(costUsd(DEFAULT_PRICES, "gpt-4o-2024-08-06", 1_000_000, 0), 2.5);
  assert.equal(costUsd(DEFAULT_PRICES, "gpt-4.1-mini-2025-04-14", 0, 1_000_000), 1.6);
  assert.equal(costUsd(DEFAULT_PRICES, "gpt-4.1-2025-04-14", 0, 1_000_000), 8);
});

Deno.test("costUsd: unknown models are undefined, even prototype names or bare prefixes", () => {
  assert.equal(costUsd(DEFAULT_PRICES, "llama3.1:8b", 10, 10), undefined);
  assert.equal(costUsd(DEFAULT_PRICES, "gpt-4", 10, 10), undefined);
  assert.equal(costUsd(DEFAULT_PRICES, "gpt-4oo", 10, 10), undefined);
  assert.equal(costUsd(DEFAULT_PRICES, "constructor", 10, 10), undefined);
  assert.equal(costUsd({}, "gpt-4o-mini", 10, 10), undefined);
});

Deno.test("parsePriceTable: valid JSON table", () => {
  const table = parsePriceTable('{"my-model": [0.5, 1.5], "free": [0, 0]}');
  assert.deepEqual(table, { "my-model": [0.5, 1.5], free: [0, 0] });
  assert.equal(costUsd(table, "my-model-v2", 2_000_000, 0), 1);
  assert.deepEqual(parsePriceTable("{}"), {});
});

Deno.test("parsePriceTable: clear errors", () => {
  const bad: [string, RegExp][] = [
    ["not json", /Invalid price table: not JSON/],
    ["[1, 2]", /Invalid price table: table: /],
    ['{"gpt-4o": [1]}', /gpt-4o/],
    ['{"gpt-4o": [1, 2, 3]}', /gpt-4o/],
    ['{"gpt-4o": [1, "2"]}', /gpt-4o\.1: /],
    ['{"gpt-4o": [-1, 2]}', /gpt-4o\.0: /],
    ['{"gpt-4o": {"input": 1, "output": 2}}', /gpt-4o/],
  ];
  for (const [json, pattern] of bad) {
    assert.throws(() => parsePriceTable(json), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, pattern);
      assert.match(err.message, /^Invalid price table: /);
      return true;
    }, json);
  }
});
