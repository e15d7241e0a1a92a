// Replays every recorded scenario in fixtures/scenarios/ against the real bot (fresh database,
// mocked OpenAI, recorded Bot API), compares the Bot API calls of each input with expected.json
// and runs the scenario's database checks. `deno task fixtures:update` rewrites expected.json;
// review its diff like code.

import assert from "node:assert/strict";
import { listScenarios, readExpected, replayScenario, writeExpected } from "./harness/scenario.ts";

const update = Deno.env.get("UPDATE_GOLDEN") === "1";

for (const name of await listScenarios()) {
  Deno.test(`scenario ${name}`, async () => {
    const result = await replayScenario(name);
    assert.deepEqual(result.errorLines, [], "no line at error level");
    assert.equal(result.openaiUnscripted, 0, "every OpenAI request was scripted");
    assert.equal(result.openaiLeftover, 0, "every scripted OpenAI response was used");
    for (const check of result.db) {
      assert.deepEqual(check.actual, check.rows, `db check: ${check.sql}`);
    }
    if (update) return await writeExpected(name, result.exchanges);
    const expected = await readExpected(name);
    assert.ok(
      expected,
      `fixtures/scenarios/${name}/expected.json is missing: deno task fixtures:update`,
    );
    assert.equal(result.exchanges.length, expected.length, "one exchange per input");
    result.exchanges.forEach((got, i) =>
      assert.deepEqual(got, expected[i], `input ${i + 1}: ${JSON.stringify(got.input)}`)
    );
  });
}
