// A button press Telegram no longer takes an answer for (answered already by the poller while the
// database was down, or too old): no warning, no failure, and words meant for its toast reach the
// chat; the apology of a parked press whose toast is refused comes in the chat instead.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../../tests/harness/bot.ts";
import { ALICE, Updates } from "../../tests/harness/telegram.ts";
import { MENU, STALE_BUTTON } from "./nav.ts";
import { APOLOGY } from "./bot.ts";
import { claimUpdates } from "../inbox/inbox.ts";

const TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid";

Deno.test("callbacks: a press too old to answer is handled quietly; its toast's words come in the chat", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  t.api.failNext("answerCallbackQuery", 400, TOO_OLD);
  await t.send(u.callback(ALICE, "no:such:button", 101));
  assert.equal(t.api.texts()[0], STALE_BUTTON);
  assert.equal(t.api.of("answerCallbackQuery").length, 1, "asked once");
  assert.ok(!t.log.lines.some((l) => /^(WARN|ERROR)/.test(l)), t.log.lines.join("\n"));
  // A press whose screen is shown is done as usual, whatever became of its answer.
  t.api.clear();
  t.api.failNext("answerCallbackQuery", 400, TOO_OLD);
  await t.send(u.callback(ALICE, MENU.profile, 101));
  assert.equal(t.api.of("editMessageText").length, 1);
  assert.ok(!t.log.lines.some((l) => /^(WARN|ERROR)/.test(l)), t.log.lines.join("\n"));
});

Deno.test("callbacks: another refusal of an answer is still our fault", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  t.api.failNext("answerCallbackQuery", 400, "Bad Request: message text is empty", 1);
  await t.send(u.callback(ALICE, "no:such:button", 101));
  assert.ok(t.log.lines.some((l) => l.startsWith("WARN Cannot answer")), t.log.lines.join("\n"));
});

Deno.test("callbacks: a press whose workers kept dying is parked; a refused toast becomes the chat's apology", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.worker.enqueue([u.callback(ALICE, MENU.profile, 101)]);
  for (let i = 0; i < 3; i++) {
    assert.equal((await claimUpdates(t.db, `gone:${i}:dead`, 10, 30_000)).length, 1);
    await t.db.query("UPDATE inbox SET lease_until = now() - interval '1 second'");
  }
  t.api.failNext("answerCallbackQuery", 400, TOO_OLD);
  await t.worker.drain();
  assert.deepEqual(t.api.texts(), [APOLOGY]);
  assert.ok(!t.log.lines.some((l) => l.startsWith("WARN Cannot send the apology")));
});
