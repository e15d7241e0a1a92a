// The spam limit's own edge cases: every tap answered even beyond the limit, a person's words
// never lost — not after a burst of taps, not beyond the limit for words either.

import assert from "node:assert/strict";
import { onboard, startTestBot } from "../../tests/harness/bot.ts";
import { freshDb, history } from "../../tests/harness/db.ts";
import { ALICE, Updates } from "../../tests/harness/telegram.ts";
import { scriptedText, startOpenAiMock } from "../../tests/harness/openai_mock.ts";
import { MENU } from "./nav.ts";
import { SLOW_DOWN, SLOW_TAP } from "./rate_limit.ts";

Deno.test("rate limit: 40 fast taps get 40 answers, one of them the slow-down toast", async () => {
  await using t = await startTestBot({ rateLimit: {} }); // the production limit
  const u = new Updates();
  await onboard(t, u);
  const taps = Array.from({ length: 40 }, () => u.callback(ALICE, MENU.profile, 101));
  await t.send(...taps);
  const answers = t.api.of("answerCallbackQuery");
  assert.equal(answers.length, 40);
  assert.deepEqual(
    new Set(answers.map((a) => a.callback_query_id)),
    new Set(taps.map((tap) => tap.callback_query!.id)),
  );
  assert.equal(answers.filter((a) => a.text === SLOW_TAP).length, 1);
});

Deno.test("rate limit: a dream typed right after a burst of taps is answered and stored", async () => {
  await using openai = await startOpenAiMock();
  scriptedText(openai, "Похоже, сон о переменах.");
  await using t = await startTestBot({ rateLimit: {}, openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u);
  await t.send(...Array.from({ length: 40 }, () => u.callback(ALICE, MENU.soulsleep, 101)));
  t.api.clear();
  await t.send(u.text(ALICE, "Мне снилось, что я лечу над городом."));
  assert.deepEqual(
    (await history(t)).map((r) => [r.assistant, r.role, r.content]),
    [
      ["soulsleep", "user", "Мне снилось, что я лечу над городом."],
      ["soulsleep", "assistant", "Похоже, сон о переменах."],
    ],
  );
  assert.ok(!t.api.texts().includes(SLOW_DOWN));
});

Deno.test("rate limit: words beyond the limit wait for the next window, none is lost", async () => {
  await using openai = await startOpenAiMock();
  await using t = await startTestBot({
    // The inbox hands a chat's updates over one at a time, so a burst reaches the limit as fast
    // as they are answered: a window long enough for six answers.
    rateLimit: { limit: 6, windowMs: 2000 },
    freeDailyMessages: 100,
    openaiBaseUrl: openai.baseUrl,
  });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await new Promise((r) => setTimeout(r, 2000)); // a new window
  const written = Array.from({ length: 10 }, (_, i) => `сообщение ${i + 1}`);
  const started = Date.now();
  await Promise.all(written.map((w) => t.handle(u.text(ALICE, w))));
  const rows = await history(t);
  assert.deepEqual(
    rows.filter((r) => r.role === "user").map((r) => r.content).sort(),
    [
      ...written,
    ].sort(),
  );
  assert.equal(rows.filter((r) => r.role === "assistant").length, 10, "each one answered");
  assert.ok(Date.now() - started >= 2000, "the last four waited for the next window");
  assert.equal(t.api.texts().filter((x) => x === SLOW_DOWN).length, 1);
});

Deno.test("rate limit: commands beyond the limit are dropped with one notice; taps still answered", async () => {
  await using t = await startTestBot({ rateLimit: { limit: 3, windowMs: 60_000 } });
  const u = new Updates();
  for (let i = 0; i < 5; i++) await t.send(u.command(ALICE, "/help"));
  await t.send(u.callback(ALICE, MENU.profile, 101), u.callback(ALICE, MENU.profile, 101));
  const texts = t.api.of("sendMessage").map((c) => c.text);
  assert.equal(texts.filter((x) => x === SLOW_DOWN).length, 1);
  assert.equal(texts.filter((x) => String(x).startsWith("❓")).length, 3);
  assert.deepEqual(t.api.of("answerCallbackQuery").map((a) => a.text), [SLOW_TAP, undefined]);
});

Deno.test("rate limit: holds across workers — a burst spread over two is limited as one", async () => {
  // Two bots with a worker each on one database, as two `soulbot worker` processes: they take
  // ALICE's updates in turn. Counted per process, each would let three commands through.
  await using db = await freshDb();
  const limit = { limit: 3, windowMs: 60_000 };
  await using a = await startTestBot({ db, rateLimit: limit });
  await using b = await startTestBot({ db, rateLimit: limit });
  const u = new Updates();
  for (let i = 0; i < 8; i++) await (i % 2 ? b : a).send(u.command(ALICE, "/help"));
  for (let i = 0; i < 4; i++) await (i % 2 ? b : a).send(u.callback(ALICE, MENU.profile, 101));
  const texts = [...a.api.of("sendMessage"), ...b.api.of("sendMessage")].map((c) => c.text);
  assert.equal(texts.filter((x) => String(x).startsWith("❓")).length, 3);
  assert.equal(texts.filter((x) => x === SLOW_DOWN).length, 1, "told once, by either worker");
  const answers = [...a.api.of("answerCallbackQuery"), ...b.api.of("answerCallbackQuery")];
  assert.equal(answers.length, 4, "every tap answered");
  assert.deepEqual(answers.map((x) => x.text).filter(Boolean), [SLOW_TAP]);
  const workers = await db.query("SELECT DISTINCT worker FROM inbox");
  assert.equal(workers.length, 2, "both workers took part");
});
