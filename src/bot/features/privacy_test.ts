// /export_my_data's and /delete_me's edges: another user's data is never exported or deleted,
// near-miss confirm buttons delete nothing, a confirmation whose message cannot be edited still
// deletes and says so, and deletion without agreeing to changed terms.

import assert from "node:assert/strict";
import type { InputFile } from "grammy";
import { onboard, onboardAs, startTestBot, type TestBot } from "../../../tests/harness/bot.ts";
import { ALICE, BOB, Updates } from "../../../tests/harness/telegram.ts";
import { DELETE_CONFIRM, DELETED, PRIVACY } from "./privacy.ts";
import { STALE_BUTTON } from "../nav.ts";
import { saveUserMessage } from "../../chat/history.ts";

/** Rows about a user in the tables a conversation fills. */
async function rowsOf(t: TestBot, id: number) {
  const [r] = await t.db.query<{ users: number; history: number; activity: number }>(
    `SELECT (SELECT count(*)::int FROM users WHERE id = $1) AS users,
            (SELECT count(*)::int FROM conversation_history WHERE user_id = $1) AS history,
            (SELECT count(*)::int FROM user_activity_day WHERE user_id = $1) AS activity`,
    [id],
  );
  return r!;
}

function fileText(t: TestBot): string {
  const doc = t.api.calls.find((c) => c.method === "sendDocument")!;
  const data = (doc.payload.document as InputFile as unknown as { fileData: Uint8Array }).fileData;
  return new TextDecoder().decode(data);
}

Deno.test("privacy: Bob's confirmed deletion removes only Bob; Alice's rows stay", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await onboardAs(t, u, BOB);
  const now = new Date();
  await saveUserMessage(t.db, ALICE.id, "helper", "Алисины мысли", now);
  await saveUserMessage(t.db, BOB.id, "helper", "Бобины мысли", now);
  const alice = await rowsOf(t, ALICE.id);
  await t.send(u.command(BOB, "/delete_me"));
  const screen = (t.api.calls.at(-1)!.result as { message_id: number }).message_id;
  await t.send(u.callback(BOB, PRIVACY.confirmDelete, screen));
  assert.deepEqual(t.api.texts(), [DELETE_CONFIRM, DELETED]);
  assert.deepEqual(await rowsOf(t, BOB.id), { users: 0, history: 0, activity: 0 });
  assert.deepEqual(await rowsOf(t, ALICE.id), alice);
  assert.deepEqual(alice, { users: 1, history: 1, activity: 1 });
});

Deno.test("privacy: callback data that only resembles the confirm button deletes nothing", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.command(ALICE, "/delete_me"));
  const screen = (t.api.calls.at(-1)!.result as { message_id: number }).message_id;
  t.api.clear();
  const forged = [
    `${PRIVACY.confirmDelete}:${BOB.id}`,
    PRIVACY.confirmDelete.toUpperCase(),
    "privacy:delete:no",
    "privacy:delete",
  ];
  for (const data of forged) await t.send(u.callback(ALICE, data, screen));
  assert.deepEqual(
    t.api.of("answerCallbackQuery").map((p) => p.text),
    forged.map(() => STALE_BUTTON),
  );
  assert.ok(!t.api.texts().includes(DELETED));
  assert.deepEqual(await rowsOf(t, ALICE.id), { users: 1, history: 0, activity: 1 });
});

Deno.test("privacy: /export_my_data holds the sender's data and nothing of another user's", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await onboardAs(t, u, BOB);
  const now = new Date();
  await saveUserMessage(t.db, ALICE.id, "helper", "Алиса пишет о работе", now);
  await saveUserMessage(t.db, BOB.id, "soulsleep", "Бобу снился океан", now);
  await t.send(u.command(ALICE, "/export_my_data"));
  const text = fileText(t);
  assert.ok(text.includes("Алиса пишет о работе"));
  assert.equal((JSON.parse(text).user as { id: number }).id, ALICE.id);
  for (const trace of [String(BOB.id), BOB.first_name, "Бобу снился океан"]) {
    assert.ok(!text.includes(trace), `no ${trace} in Alice's export`);
  }
});

Deno.test("privacy: a confirmation whose message can no longer be edited still deletes and says so in a new message", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  t.api.failNext("editMessageText", 400, "Bad Request: message can't be edited");
  await t.send(u.callback(ALICE, PRIVACY.confirmDelete, 7));
  assert.deepEqual(t.api.of("sendMessage").map((p) => p.text), [DELETED]);
  assert.deepEqual(await rowsOf(t, ALICE.id), { users: 0, history: 0, activity: 0 });
});

// The welcome promises "удалить — /delete_me": deletion (and export) work before consent too, so
// someone who does not accept changed terms can still take their data away.
Deno.test({
  name:
    "privacy: someone asked to agree to changed terms can still delete their data with /delete_me",
  fn: async () => {
    await using t = await startTestBot();
    const u = new Updates();
    await onboard(t, u);
    await saveUserMessage(t.db, ALICE.id, "helper", "старый разговор", new Date());
    await t.db.query("UPDATE users SET consent_version = 'old' WHERE id = $1", [ALICE.id]);
    await t.send(u.command(ALICE, "/delete_me"));
    assert.deepEqual(t.api.texts(), [DELETE_CONFIRM]);
    const screen = (t.api.calls.at(-1)!.result as { message_id: number }).message_id;
    await t.send(u.callback(ALICE, PRIVACY.confirmDelete, screen));
    assert.deepEqual(await rowsOf(t, ALICE.id), { users: 0, history: 0, activity: 0 });
  },
});
