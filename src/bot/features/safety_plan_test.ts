// The safety plan composer's own edge cases: a step button out of range, «Пропустить» on an older
// step's message, /menu in the middle, blank answers and answers that look like HTML.

import assert from "node:assert/strict";
import { onboard, startTestBot, type TestBot } from "../../../tests/harness/bot.ts";
import { sessionOf } from "../../../tests/harness/db.ts";
import { ALICE, Updates } from "../../../tests/harness/telegram.ts";
import { PLAN } from "../screens/crisis.ts";
import { STALE_BUTTON } from "../nav.ts";
import { PLAN_STEPS } from "../../safety/plan.ts";
import { UNKNOWN_TEXT } from "./fallback.ts";
import { STEP_PASSED } from "./safety_plan.ts";

async function planRows(t: TestBot) {
  return await t.db.query<Record<string, string | null>>(
    `SELECT ${PLAN_STEPS.join(", ")} FROM safety_plans`,
  );
}

/** ALICE onboarded, on the plan's first step, shown in message 102 (the /plan intro, edited). */
async function atFirstStep(t: TestBot, u: Updates) {
  await onboard(t, u);
  await t.send(u.command(ALICE, "/plan"), u.callback(ALICE, PLAN.start, 102));
  assert.match(t.api.texts().at(-1)!, /Шаг 1 из 6/);
  t.api.clear();
}

Deno.test("plan: a step button out of range gets the stale toast and opens no step", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/plan"));
  t.api.clear();
  await t.send(u.callback(ALICE, PLAN.step(PLAN_STEPS.length), 102));
  await t.send(u.callback(ALICE, PLAN.step(9), 102));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [
    STALE_BUTTON,
    STALE_BUTTON,
  ]);
  assert.ok(!t.api.texts().some((text) => /Шаг \d из/.test(text)), "no step is asked");
  assert.notEqual((await sessionOf(t, ALICE)).flow, "plan");
  // So a message typed now is not taken as a step of the plan.
  await t.send(u.text(ALICE, "перестаю отвечать друзьям"));
  assert.deepEqual(await planRows(t), []);
});

Deno.test("plan: /menu in the middle of the plan ends it — the next message is not saved as a step", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await atFirstStep(t, u);
  await t.send(u.command(ALICE, "/menu"), u.text(ALICE, "не сплю ночами"));
  assert.equal(t.api.texts().at(-1), UNKNOWN_TEXT);
  assert.deepEqual(await planRows(t), []);
  assert.equal((await sessionOf(t, ALICE)).flow, undefined);
});

Deno.test("plan: a blank answer is refused and the step keeps waiting", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await atFirstStep(t, u);
  await t.send(u.text(ALICE, "   \n  "));
  assert.equal(t.api.texts().length, 1);
  assert.match(t.api.texts()[0]!, /словами/);
  assert.deepEqual(await planRows(t), []);
  assert.equal((await sessionOf(t, ALICE)).planStep, 0);
  await t.send(u.text(ALICE, "не сплю ночами"));
  assert.equal((await planRows(t))[0]!.warning_signs, "не сплю ночами");
});

Deno.test("plan: an answer that looks like HTML is stored as typed and shown escaped in the plan", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await atFirstStep(t, u);
  await t.send(u.text(ALICE, "<b>кот</b> & чай"));
  // The second step is a new message (103); skip it and every step after it there.
  for (let i = 1; i < PLAN_STEPS.length; i++) await t.send(u.callback(ALICE, PLAN.skip(i), 103));
  assert.equal((await planRows(t))[0]!.warning_signs, "<b>кот</b> & чай");
  const plan = t.api.texts().at(-1)!;
  assert.match(plan, /План сохранён/);
  assert.ok(plan.includes("&lt;b&gt;кот&lt;/b&gt; &amp; чай"), plan);
  assert.ok(!plan.includes("<b>кот</b>"));
});

// «Пропустить» carries its step: one left on an older step's message must not skip the step now
// on screen (it once did, unasked, and turned the old message into the step after it).
Deno.test({
  name: "plan: «Пропустить» on an older step's message does not skip the step now on screen",
  fn: async () => {
    await using t = await startTestBot();
    const u = new Updates();
    await atFirstStep(t, u);
    // Step 1 answered by typing: step 2 arrives as message 103; message 102 still shows step 1.
    await t.send(u.text(ALICE, "не сплю ночами"));
    assert.match(t.api.texts().at(-1)!, /Шаг 2 из 6/);
    t.api.clear();
    await t.send(u.callback(ALICE, PLAN.skip(0), 102));
    assert.ok(!t.api.texts().some((text) => /Шаг 3 из 6/.test(text)), "step 2 was skipped");
    assert.equal((await sessionOf(t, ALICE)).planStep, 1, "the chat is still on step 2");
    assert.equal(t.api.of("answerCallbackQuery")[0]?.text, STEP_PASSED);
    assert.match(t.api.texts().at(-1)!, /Шаг 2 из 6/);
  },
});

Deno.test("plan: a double tap on «Пропустить» skips one step, not two", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await atFirstStep(t, u);
  // Both taps carry step 1's data; the screen (message 102) is edited to step 2 by the first.
  await t.send(u.callback(ALICE, PLAN.skip(0), 102), u.callback(ALICE, PLAN.skip(0), 102));
  assert.equal((await sessionOf(t, ALICE)).planStep, 1);
  assert.ok(!t.api.texts().some((text) => /Шаг 3 из 6/.test(text)), "two steps were skipped");
});
