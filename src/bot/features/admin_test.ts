// The admin commands' edges: /grant and /revoke from someone not in ADMIN_IDS, malformed or
// out-of-range arguments, ids nobody has used the bot with, and what the log keeps of a grant.

import assert from "node:assert/strict";
import { onboard, onboardAs, startTestBot, type TestBot } from "../../../tests/harness/bot.ts";
import { count, userRow } from "../../../tests/harness/db.ts";
import { ALICE, BOB, Updates } from "../../../tests/harness/telegram.ts";
import { UNKNOWN_COMMAND } from "./fallback.ts";
import { APOLOGY } from "../bot.ts";

const GRANT_USAGE = /^Использование: \/grant <id пользователя> <месяцев от 1 до 36>$/;
const REVOKE_USAGE = /^Использование: \/revoke <id пользователя>$/;

/** The user's subscription end as an ISO string; null without one. */
async function until(t: TestBot, id: number): Promise<string | null> {
  return (await userRow(t, { id }))?.subscription_until?.toISOString() ?? null;
}

Deno.test("admin: /grant and /revoke from someone not in ADMIN_IDS get the unknown-command answer and change no subscription", async () => {
  await using t = await startTestBot({ adminIds: [ALICE.id] });
  const u = new Updates();
  await onboard(t, u);
  await onboardAs(t, u, BOB);
  await t.db.query("UPDATE users SET subscription_until = $2 WHERE id = $1", [
    ALICE.id,
    new Date("2027-01-01T00:00:00Z"),
  ]);
  await t.send(
    u.command(BOB, `/revoke ${ALICE.id}`),
    u.command(BOB, `/grant ${BOB.id} 12`),
  );
  assert.deepEqual(t.api.texts(), [UNKNOWN_COMMAND, UNKNOWN_COMMAND]);
  assert.equal(await until(t, ALICE.id), "2027-01-01T00:00:00.000Z", "Alice's subscription stays");
  assert.equal(await until(t, BOB.id), null, "Bob granted himself nothing");
  assert.ok(!t.log.lines.some((l) => /^Admin (granted|revoked)/.test(l)));
});

Deno.test("admin: /grant with months outside 1–36 or malformed arguments shows the usage and grants nothing", async () => {
  await using t = await startTestBot({ adminIds: [ALICE.id] });
  const u = new Updates();
  await onboard(t, u);
  await onboardAs(t, u, BOB);
  const bad = ["0", "37", "99", "100", "-1", "1.5", "1 2", "один", ""];
  for (const months of bad) await t.send(u.command(ALICE, `/grant ${BOB.id} ${months}`));
  await t.send(u.command(ALICE, "/grant"), u.command(ALICE, `/grant @bob 1`));
  const replies = t.api.texts();
  assert.equal(replies.length, bad.length + 2);
  for (const r of replies) assert.match(r, GRANT_USAGE);
  assert.equal(await until(t, BOB.id), null);
  // The upper bound itself is accepted: 36 months from 24.11.2026.
  t.api.clear();
  await t.send(u.command(ALICE, `/grant ${BOB.id} 36`));
  assert.deepEqual(t.api.texts(), [
    `✅ Пользователю ${BOB.id} продлена подписка до 24.11.2029.`,
  ]);
});

Deno.test("admin: /revoke without a numeric id shows the usage and leaves the subscription", async () => {
  await using t = await startTestBot({ adminIds: [ALICE.id] });
  const u = new Updates();
  await onboard(t, u);
  await onboardAs(t, u, BOB);
  await t.send(u.command(ALICE, `/grant ${BOB.id} 1`));
  const granted = await until(t, BOB.id);
  assert.ok(granted);
  t.api.clear();
  await t.send(
    u.command(ALICE, "/revoke"),
    u.command(ALICE, "/revoke bob"),
    u.command(ALICE, `/revoke ${BOB.id} 1`),
  );
  const replies = t.api.texts();
  assert.equal(replies.length, 3);
  for (const r of replies) assert.match(r, REVOKE_USAGE);
  assert.equal(await until(t, BOB.id), granted);
});

Deno.test("admin: /grant and /revoke for an id nobody has used the bot with say not found and create no user", async () => {
  await using t = await startTestBot({ adminIds: [ALICE.id] });
  const u = new Updates();
  await onboard(t, u);
  const before = await count(t, "users");
  await t.send(u.command(ALICE, "/grant 555000 3"), u.command(ALICE, "/revoke 555000"));
  assert.deepEqual(t.api.texts(), [
    "Пользователь 555000 не найден.",
    "Пользователь 555000 не найден.",
  ]);
  assert.equal(await count(t, "users"), before);
  assert.ok(!t.log.lines.some((l) => /^Admin (granted|revoked)/.test(l)));
});

Deno.test("admin: a grant is logged with the admin's id and only a pseudonym of the user", async () => {
  await using t = await startTestBot({ adminIds: [ALICE.id] });
  const u = new Updates();
  await onboard(t, u);
  // Bob exists but sends nothing to this bot, so only the grant could put his id in the log.
  await t.db.query("INSERT INTO users (id, first_name) VALUES ($1, $2)", [BOB.id, BOB.first_name]);
  await t.send(u.command(ALICE, `/grant ${BOB.id} 2`), u.command(ALICE, `/revoke ${BOB.id}`));
  assert.deepEqual(t.api.texts(), [
    `✅ Пользователю ${BOB.id} продлена подписка до 24.01.2027.`,
    `Подписка пользователя ${BOB.id} отменена.`,
  ]);
  const granted = t.log.lines.find((l) => l.startsWith("Admin granted a subscription"));
  const revoked = t.log.lines.find((l) => l.startsWith("Admin revoked a subscription"));
  for (const line of [granted, revoked]) {
    assert.ok(line?.includes(`admin=${ALICE.id}`), `the admin is named: ${line}`);
  }
  // The user appears as a pseudonym, the same one in both lines.
  const tag = /\buser=(u[0-9a-f]{10})\b/.exec(granted!)?.[1];
  assert.ok(tag, granted);
  assert.ok(revoked!.includes(`user=${tag}`), revoked);
  assert.ok(!t.log.lines.some((l) => l.includes(String(BOB.id))), "Bob's raw id is never logged");
});

// An id beyond bigint (a typo, a pasted card or phone number) once failed in the database
// (22003) and got the generic apology instead of "not found".
Deno.test({
  name:
    "admin: /grant and /revoke with an id too large to be anyone's say not found instead of failing",
  fn: async () => {
    await using t = await startTestBot({ adminIds: [ALICE.id] });
    const u = new Updates();
    await onboard(t, u);
    await t.send(
      u.command(ALICE, "/grant 99999999999999999999 1"),
      u.command(ALICE, "/revoke 99999999999999999999"),
    );
    const replies = t.api.texts();
    assert.equal(replies.length, 2);
    for (const r of replies) {
      assert.notEqual(r, APOLOGY);
      assert.match(r, /не найден|^Использование/);
    }
    assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")));
  },
});
