// The model's answer is asked for while moderation and the triage judge decide, and held until
// they have: a crisis verdict cancels it unseen and the card comes instead; a clean verdict shows
// the same answer as a chat without those layers; "typing" goes out at once. The mock's `after`
// holds a layer's answer until the test lets it go, so the order of events is the test's.

import assert from "node:assert/strict";
import { onboard, startTestBot, type TestBot } from "../harness/bot.ts";
import { ALICE, type ApiCall, Updates } from "../harness/telegram.ts";
import { type OpenAiMock, startOpenAiMock } from "../harness/openai_mock.ts";
import { verdict } from "../harness/judge.ts";

const CALM = "Сегодня был длинный день, хочу просто выговориться";
/** Judged none by the analyser, a farewell by the judge. */
const FAREWELL = "спасибо тебе за всё";
const ANSWER = "Похоже, день вымотал вас. **Что** из него было самым тяжёлым?\n\n" +
  "Можно начать с любой мелочи.";
const INTENT = { "self-harm": true, "self-harm/intent": true };
const CARD = "Мне очень жаль, что вам сейчас так тяжело";
const CARE = "человеку сейчас тяжело"; // the concern instruction in the system prompt
const ANSWER_MODEL = "gpt-4o-mini";
const JUDGE_MODEL = "gpt-4.1-nano";

/** Waits (polling) until `ready` holds; fails only if it never does. */
async function until(ready: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 2_000; i++) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`Never happened: ${what}`);
}

const answerRequests = (openai: OpenAiMock) =>
  openai.requests.filter((r) => r.body?.model === ANSWER_MODEL);

const systemPrompt = (body: unknown) =>
  (body as { messages: Array<{ content: string }> }).messages[0]!.content;

/** Calls to the answer model by outcome, as the bot's metrics counted them. */
async function modelCalls(t: TestBot, outcome: string): Promise<number> {
  const { values } = await t.metrics.openaiRequests.get();
  return values
    .filter((v) => v.labels.model === ANSWER_MODEL && v.labels.outcome === outcome)
    .reduce((n, v) => n + v.value, 0);
}

/** Calls that show anything to the user: every method but the chat action. */
const visible = (calls: ApiCall[]) => calls.filter((c) => c.method !== "sendChatAction");

/** Every text the bot showed or tried to show (messages, edits, drafts). */
const texts = (calls: ApiCall[]) => visible(calls).map((c) => String(c.payload.text ?? ""));

for (const layer of ["moderation", "judge"] as const) {
  Deno.test(`a crisis verdict of the ${layer} while the model streams: the card, not a word of the answer`, async () => {
    await using openai = await startOpenAiMock();
    const verdictGoes = Promise.withResolvers<void>();
    // The answer streams its first pieces, then waits for ever: only a cancel ends it.
    openai.script({
      kind: "chat",
      model: ANSWER_MODEL,
      text: ANSWER,
      streamFault: "hang",
      streamFaultAfter: 4,
    });
    if (layer === "moderation") {
      openai.script({
        kind: "moderations",
        flagged: true,
        categories: INTENT,
        after: verdictGoes.promise,
        delayMs: 100, // lets the answer's first pieces reach the bot
      });
    } else {
      const farewell = verdict({
        tier: "acute",
        at_risk: "self",
        when: "soon",
        reason: "farewell",
      });
      openai.script({
        kind: "chat",
        model: JUDGE_MODEL,
        text: JSON.stringify(farewell),
        after: verdictGoes.promise,
        delayMs: 100,
      });
    }
    await using t = await startTestBot({
      openaiBaseUrl: openai.baseUrl,
      ...(layer === "moderation"
        ? { moderationModel: "omni-moderation-latest" }
        : { safetyModel: JUDGE_MODEL }),
    });
    const u = new Updates();
    await onboard(t, u, "/helper");
    const handled = t.handle(u.text(ALICE, layer === "judge" ? FAREWELL : CALM));
    await until(() => answerRequests(openai).length === 1, "the model is asked");
    verdictGoes.resolve();
    await handled;

    // Telegram: typing, then the card; no draft, message or edit carries the model's text.
    assert.equal(t.api.calls[0]?.method, "sendChatAction");
    assert.deepEqual(visible(t.api.calls).map((c) => c.method), ["sendMessage"]);
    assert.ok(texts(t.api.calls)[0]!.startsWith(CARD));
    for (const piece of ["Похоже", "день", "вымотал"]) {
      assert.ok(texts(t.api.calls).every((s) => !s.includes(piece)), piece);
    }
    // The call was aborted while it streamed, counted as cancelled — not an answer, not a failure.
    const cancelled = t.log.lines.filter((l) => l.startsWith("The model's answer was cancelled"));
    assert.equal(cancelled.length, 1);
    assert.match(cancelled[0]!, /why="a crisis verdict" shown=false held_chars=[1-9]/);
    await until(async () => await modelCalls(t, "cancelled") === 1, "the call counted cancelled");
    assert.equal(await modelCalls(t, "ok"), 0);
    assert.equal(await modelCalls(t, "unavailable") + await modelCalls(t, "error"), 0);
    assert.ok(t.log.lines.every((l) => !l.startsWith("answered") && !l.startsWith("ERROR")));
    // Kept only as the acute message: no answer, no delivery, not counted against the limit.
    assert.deepEqual(
      await t.db.query("SELECT role, status FROM conversation_history ORDER BY id"),
      [{ role: "user", status: "crisis" }],
    );
    assert.deepEqual(await t.db.query("SELECT update_id FROM answer_deliveries"), []);
    assert.deepEqual(
      await t.db.query("SELECT assistant_messages FROM user_activity_day WHERE user_id = $1", [
        ALICE.id,
      ]).then((rows) => rows.filter((r) => Number(r.assistant_messages) > 0)),
      [],
    );
  });
}

/** One calm message answered by a fresh bot, with moderation (a clean verdict) or without. */
async function answerCalm(moderation: boolean) {
  await using openai = await startOpenAiMock();
  if (moderation) openai.script({ kind: "moderations", flagged: false });
  // The model's first token after the verdict, so the preview shows as it does without moderation.
  openai.script({ kind: "chat", model: ANSWER_MODEL, text: ANSWER, delayMs: moderation ? 200 : 0 });
  await using t = await startTestBot({
    openaiBaseUrl: openai.baseUrl,
    moderationModel: moderation ? "omni-moderation-latest" : undefined,
  });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, CALM));
  return {
    calls: t.api.calls.map(({ method, payload }) => ({ method, payload })),
    prompt: answerRequests(openai).map((r) => r.body),
    rows: await t.db.query(
      `SELECT role, content, status, model, tokens, cost_usd FROM conversation_history
       ORDER BY id`,
    ),
    counted: await t.db.query("SELECT assistant_messages FROM user_activity_day"),
    deliveries: await t.db.query("SELECT care, status, message_ids FROM answer_deliveries"),
    ok: await modelCalls(t, "ok"),
    cancelled: await modelCalls(t, "cancelled"),
  };
}

Deno.test("a clean verdict: the answer is the one given without moderation, complete", async () => {
  const checked = await answerCalm(true);
  const plain = await answerCalm(false);
  assert.deepEqual(checked, plain);
  const shown = checked.calls.filter((c) => c.method === "sendMessage");
  assert.equal(shown.length, 1);
  assert.match(String(shown[0]!.payload.text), /^Похоже, день вымотал вас\. <b>Что<\/b>/);
  assert.equal(checked.ok, 1);
  assert.equal(checked.cancelled, 0);
  assert.deepEqual(checked.deliveries.map((d) => [d.care, d.status]), [["none", "done"]]);
});

Deno.test("typing goes out before the verdict, and a quicker model shows nothing until it", async () => {
  await using openai = await startOpenAiMock();
  const verdictGoes = Promise.withResolvers<void>();
  openai.script(
    { kind: "moderations", flagged: false, after: verdictGoes.promise },
    { kind: "chat", model: ANSWER_MODEL, text: ANSWER },
  );
  await using t = await startTestBot({
    openaiBaseUrl: openai.baseUrl,
    moderationModel: "omni-moderation-latest",
  });
  const u = new Updates();
  await onboard(t, u, "/helper");
  const handled = t.handle(u.text(ALICE, CALM));
  // Moderation is asked and has not answered: the verdict is not in, yet typing is out.
  await until(() => openai.requests.some((r) => r.path === "/v1/moderations"), "moderation asked");
  assert.deepEqual(t.api.calls.map((c) => [c.method, c.payload.action]), [
    ["sendChatAction", "typing"],
  ]);
  // The model has given its whole answer; still nothing of it is shown before the verdict.
  await until(async () => await modelCalls(t, "ok") === 1, "the model has answered");
  assert.deepEqual(visible(t.api.calls), []);
  verdictGoes.resolve();
  await handled;
  // After the verdict: the complete answer (the model had finished: no preview is needed).
  assert.deepEqual(t.api.calls.map((c) => c.method), ["sendChatAction", "sendMessage"]);
  assert.match(String(t.api.calls[1]!.payload.text), /^Похоже, день вымотал вас\./);
  assert.match(String(t.api.calls[1]!.payload.text), /Можно начать с любой мелочи\.$/);
  const [reply] = await t.db.query<{ content: string }>(
    "SELECT content FROM conversation_history WHERE role = 'assistant'",
  );
  assert.equal(reply!.content, ANSWER);
});

Deno.test("a verdict with another care: the answer started without it is dropped and asked again", async () => {
  await using openai = await startOpenAiMock();
  const verdictGoes = Promise.withResolvers<void>();
  openai.script(
    // Plain self-harm from moderation: concern, though the analyser found nothing.
    {
      kind: "moderations",
      flagged: true,
      categories: { "self-harm": true },
      after: verdictGoes.promise,
    },
    { kind: "chat", model: ANSWER_MODEL, text: "Ответ без бережности." },
    { kind: "chat", model: ANSWER_MODEL, text: "Мне жаль, что вам так тяжело. Как вы сейчас?" },
  );
  await using t = await startTestBot({
    openaiBaseUrl: openai.baseUrl,
    moderationModel: "omni-moderation-latest",
  });
  const u = new Updates();
  await onboard(t, u, "/helper");
  const handled = t.handle(u.text(ALICE, CALM));
  await until(() => answerRequests(openai).length === 1, "the model is asked");
  verdictGoes.resolve();
  await handled;
  const prompts = answerRequests(openai).map((r) => systemPrompt(r.body));
  assert.equal(prompts.length, 2);
  assert.ok(!prompts[0]!.includes(CARE), "started as a calm message");
  assert.ok(prompts[1]!.includes(CARE), "asked again with the safety instruction");
  assert.ok(texts(t.api.calls).every((s) => !s.includes("без бережности")));
  assert.ok(texts(t.api.calls).some((s) => s.startsWith("Мне жаль, что вам так тяжело.")));
  assert.ok(texts(t.api.calls).some((s) => s.includes("Если станет совсем тяжело")));
  const [reply] = await t.db.query<{ content: string }>(
    "SELECT content FROM conversation_history WHERE role = 'assistant'",
  );
  assert.equal(reply!.content, "Мне жаль, что вам так тяжело. Как вы сейчас?");
});

Deno.test("no model call before the verdict for a message the analyser finds acute or the limit holds", async () => {
  await using openai = await startOpenAiMock();
  openai.script({ kind: "moderations", flagged: false }, { kind: "moderations", flagged: false });
  await using t = await startTestBot({
    openaiBaseUrl: openai.baseUrl,
    moderationModel: "omni-moderation-latest",
    freeDailyMessages: 1,
  });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.db.query(
    `INSERT INTO user_activity_day (user_id, date, assistant_messages) VALUES ($1, $2, 1)
     ON CONFLICT (user_id, date) DO UPDATE SET assistant_messages = 1`,
    [ALICE.id, "2026-11-24"],
  );
  await t.send(u.text(ALICE, CALM)); // held at the limit
  assert.ok(t.api.calls.some((c) => c.method === "sendMessage"));
  await t.send(u.text(ALICE, "я решила покончить с собой")); // acute by the analyser
  assert.ok(texts(t.api.calls).some((s) => s.startsWith(CARD)));
  assert.deepEqual(answerRequests(openai), []);
  assert.equal(openai.requests.filter((r) => r.path === "/v1/moderations").length, 2);
});
