// Replays every recorded scenario in fixtures/scenarios/ against the real bot (fresh database,
// mocked OpenAI, recorded Bot API) and compares the Bot API calls with expected.json.
// `deno task fixtures:update` rewrites expected.json; review its diff like code.

import assert from "node:assert/strict";
import { listScenarios, readExpected, replayScenario, writeExpected } from "./harness/scenario.ts";

const update = Deno.env.get("UPDATE_GOLDEN") === "1";

for (const name of await listScenarios()) {
  Deno.test(`scenario ${name}`, async () => {
    const result = await replayScenario(name);
    assert.deepEqual(result.errorLines, [], "no line at error level");
    assert.equal(result.openaiUnscripted, 0, "every OpenAI request was scripted");
    assert.equal(result.openaiLeftover, 0, "every scripted OpenAI response was used");
    if (update) {
      await writeExpected(name, result.calls);
      return;
    }
    const expected = await readExpected(name);
    assert.ok(
      expected,
      `fixtures/scenarios/${name}/expected.json is missing: run deno task fixtures:update`,
    );
    assert.deepEqual(result.calls, expected);
  });
}
