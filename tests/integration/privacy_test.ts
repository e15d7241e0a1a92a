// The user's rights and the gate's edges: export everything (the safety plan included), delete
// everything (every table is scanned for the id afterwards), consent asked again when its version
// changes, incoming spam limited with one notice, and operators alerted about a crisis without
// its text.

import assert from "node:assert/strict";
import type { InputFile } from "grammy";
import { onboard, startTestBot } from "../harness/bot.ts";
import { ALICE, Updates } from "../harness/telegram.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import type { Queryable } from "../../src/db/db.ts";
import { PRIVACY } from "../../src/bot/features/privacy.ts";
import { OB } from "../../src/bot/screens/onboarding.ts";
import { SLOW_DOWN } from "../../src/bot/rate_limit.ts";
import { savePlanStep } from "../../src/safety/plan.ts";

const SECRET_WORDS = "Моя тайна: боюсь темноты";

function fileJson(file: InputFile): Record<string, unknown> {
  const data = (file as unknown as { fileData: Uint8Array }).fileData;
  return JSON.parse(new TextDecoder().decode(data));
}

/** Every place the id still appears: columns equal to it, JSON documents containing it. */
async function traces(db: Queryable, id: number): Promise<string[]> {
  const columns = await db.query<{ t: string; c: string; type: string }>(
    `SELECT table_name AS t, column_name AS c, data_type AS type FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('bigint', 'integer', 'text', 'jsonb')`,
  );
  const found: string[] = [];
  for (const { t, c, type } of columns) {
    const cond = type === "jsonb" ? `"${c}"::text LIKE '%' || $1 || '%'` : `"${c}"::text = $1`;
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${t}" WHERE ${cond}`,
      [String(id)],
    );
    if (row!.n > 0) found.push(`${t}.${c}`);
  }
  return found;
}

Deno.test("/export_my_data sends everything stored; /delete_me removes it from every table", async () => {
  await using openai = await startOpenAiMock();
  openai.script({ kind: "chat", text: "Темнота пугает многих. Когда это началось?" });
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, SECRET_WORDS));
  await t.db.query(
    `INSERT INTO payments (user_id, idempotence_key, months, amount, status, expires_at)
     VALUES ($1, $2, 1, 1111, 'succeeded', now())`,
    [ALICE.id, crypto.randomUUID()],
  );
  await t.db.query(
    "INSERT INTO user_profiles (user_id, patterns, embeddings) VALUES ($1, $2, $3)",
    [ALICE.id, [{ id: "p", title: "Страх темноты" }], { p: [0.5, 0.5] }],
  );
  await savePlanStep(t.db, ALICE.id, "helpers", "Мама, сестра Лена", new Date());
  // An update of hers the bot gave up on keeps its payload until pruned, or until she leaves.
  const given_up = u.text(ALICE, SECRET_WORDS);
  await t.db.query(
    `INSERT INTO inbox (update_id, chat_key, payload, status, done_at)
     VALUES ($1, $2, $3, 'parked', now())`,
    [given_up.update_id, String(ALICE.id), given_up],
  );

  await t.send(u.command(ALICE, "/export_my_data"));
  const doc = t.api.calls.find((c) => c.method === "sendDocument")!;
  const data = fileJson(doc.payload.document as InputFile);
  assert.equal((data.user as { id: number }).id, ALICE.id);
  const history = data.conversation_history as Array<{ content: string }>;
  assert.ok(history.some((m) => m.content === SECRET_WORDS));
  for (
    const key of [
      "user_settings",
      "quiz_sessions",
      "user_activity_day",
      "payments",
      "safety_events",
      "psychological_profile",
      "dialog_state",
    ]
  ) assert.ok(key in data, key);
  const profile = data.psychological_profile as { embeddings: number; patterns: unknown[] };
  assert.equal(profile.embeddings, 1, "vectors are counted, not exported");
  assert.equal((data.payments as unknown[]).length, 1);
  const plans = data.safety_plans as Array<{ helpers: string }>;
  assert.equal(plans[0]?.helpers, "Мама, сестра Лена", "the safety plan is exported");

  await t.send(u.command(ALICE, "/delete_me"));
  const confirm = t.api.calls.at(-1)!;
  assert.match(String(confirm.payload.text), /Удалить все мои данные/);
  assert.ok((await traces(t.db, ALICE.id)).includes("users.id"), "nothing goes before the yes");
  const screen = (confirm.result as { message_id: number }).message_id;
  await t.send(u.callback(ALICE, PRIVACY.confirmDelete, screen));
  assert.match(String(t.api.calls.at(-1)!.payload.text), /все ваши данные удалены/);
  assert.deepEqual(await traces(t.db, ALICE.id), []);
  const [payment] = await t.db.query<{ user_id: number | null; amount: string }>(
    "SELECT user_id, amount::text AS amount FROM payments",
  );
  assert.deepEqual(payment, { user_id: null, amount: "1111.00" }, "kept, anonymised");

  // The next message starts as a new user: onboarding from the consent.
  t.api.clear();
  await t.send(u.command(ALICE, "/start"));
  const welcome = t.api.calls.find((c) => c.method === "sendMessage")!;
  assert.match(String(welcome.payload.text), /ИИ-собеседник/);
  assert.ok(JSON.stringify(welcome.payload.reply_markup).includes(OB.consent));
});

Deno.test("a changed consent version asks again; agreeing returns an old user to the menu", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.db.query("UPDATE users SET consent_version = 'old' WHERE id = $1", [ALICE.id]);
  await t.send(u.command(ALICE, "/helper"));
  const asked = t.api.calls.find((c) => c.method === "sendMessage")!;
  assert.ok(JSON.stringify(asked.payload.reply_markup).includes(OB.consent));
  const id = (asked.result as { message_id: number }).message_id;
  t.api.clear();
  await t.send(u.callback(ALICE, OB.consent, id));
  assert.ok(t.api.calls.some((c) => /Главное меню/.test(String(c.payload.text))));
});

Deno.test("incoming spam: updates beyond the limit are dropped with one polite notice", async () => {
  await using t = await startTestBot({ rateLimit: { limit: 3, windowMs: 60_000 } });
  const u = new Updates();
  for (let i = 0; i < 7; i++) await t.send(u.command(ALICE, "/help"));
  const texts = t.api.calls.filter((c) => c.method === "sendMessage").map((c) => c.payload.text);
  assert.equal(texts.filter((x) => x === SLOW_DOWN).length, 1);
  assert.equal(texts.filter((x) => String(x).startsWith("❓")).length, 3);
});

Deno.test("a crisis alerts the operators' chat without the message text", async () => {
  await using t = await startTestBot({ alertChatId: -100_123 });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, "я хочу покончить с собой"));
  const alert = t.api.calls.find((c) => c.payload.chat_id === -100_123)!;
  assert.match(String(alert.payload.text), /Кризисный сигнал: пользователь u[0-9a-f]{10}/);
  assert.ok(!String(alert.payload.text).includes("покончить"));
  assert.ok(!String(alert.payload.text).includes(String(ALICE.id)));
  assert.ok(!t.log.lines.some((l) => l.includes("покончить")), "no message text in the log");
});
