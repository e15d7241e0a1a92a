// The chat composer's own edge cases: «Повторить» and the held-message button with someone
// else's, a held or a crisis message's id, «Начать заново» for no such assistant, media in a chat.

import assert from "node:assert/strict";
import { onboard, onboardAs, startTestBot } from "../../../tests/harness/bot.ts";
import { history } from "../../../tests/harness/db.ts";
import { ALICE, BOB, Updates } from "../../../tests/harness/telegram.ts";
import { scriptedText, startOpenAiMock } from "../../../tests/harness/openai_mock.ts";
import { HELD } from "../screens/subscription.ts";
import { RETRY } from "../answer.ts";
import { markFailed, saveUserMessage } from "../../chat/history.ts";
import { ALREADY_HANDLED, TEXT_ONLY_IN_CHAT } from "./chat.ts";

Deno.test("chat: «Повторить» with someone else's failed message id is refused and the model is not asked", async () => {
  await using openai = await startOpenAiMock();
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboardAs(t, u, BOB);
  const bobs = await saveUserMessage(t.db, BOB.id, "helper", "моё личное", new Date());
  await markFailed(t.db, bobs);
  await onboard(t, u, "/helper");
  await t.send(u.callback(ALICE, RETRY(bobs), 50));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [ALREADY_HANDLED]);
  assert.equal(openai.requests.length, 0);
  assert.deepEqual(t.api.texts(), [], "nothing of Bob's reaches Alice's chat");
  assert.deepEqual((await history(t)).map((r) => r.status), ["failed"]);
});

Deno.test("chat: «Повторить» with the id of a message held at the free limit does not get it answered", async () => {
  await using openai = await startOpenAiMock();
  scriptedText(openai, "Я вас слышу.");
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl, freeDailyMessages: 1 });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, "Первое."), u.text(ALICE, "Второе, сверх лимита."));
  const held = (await history(t)).find((r) => r.status === "held")!;
  assert.equal(held.content, "Второе, сверх лимита.");
  const asked = openai.requests.length;
  t.api.clear();
  await t.send(u.callback(ALICE, RETRY(held.id), 105));
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [ALREADY_HANDLED]);
  assert.equal(openai.requests.length, asked, "the paywall is not bypassed");
  assert.equal((await history(t)).find((r) => r.id === held.id)!.status, "held");
});

Deno.test("chat: «Повторить» or the held-message button with a crisis message's id never send it to the model", async () => {
  await using openai = await startOpenAiMock();
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, "Хочу покончить с собой, всем будет лучше без меня"));
  const [crisis] = await history(t);
  assert.equal(crisis!.status, "crisis");
  t.api.clear();
  await t.send(u.callback(ALICE, RETRY(crisis!.id), 50), u.callback(ALICE, HELD(crisis!.id), 50));
  assert.deepEqual(
    t.api.of("answerCallbackQuery").map((p) => p.text),
    [ALREADY_HANDLED, ALREADY_HANDLED],
  );
  assert.equal(openai.requests.length, 0);
  assert.deepEqual((await history(t)).map((r) => r.status), ["crisis"]);
});

Deno.test("chat: «Начать заново» for no such assistant gets a toast and forgets nothing", async () => {
  await using openai = await startOpenAiMock();
  scriptedText(openai, "Расскажите подробнее.");
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, "Мне тревожно."));
  const before = await history(t);
  assert.equal(before.length, 2);
  t.api.clear();
  await t.send(u.callback(ALICE, "chat:clear:dreams", 102));
  const [toast] = t.api.of("answerCallbackQuery");
  assert.match(String(toast!.text), /устарела/);
  assert.deepEqual(t.api.texts(), []);
  assert.deepEqual(await history(t), before);
});

Deno.test("chat: media in a chat gets the text-only hint, is not saved, and the chat goes on", async () => {
  await using openai = await startOpenAiMock();
  scriptedText(openai, "Понимаю.");
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/soulsleep");
  await t.send(u.media(ALICE, "voice"), u.media(ALICE, "photo"));
  assert.deepEqual(t.api.texts(), [TEXT_ONLY_IN_CHAT, TEXT_ONLY_IN_CHAT]);
  assert.equal(openai.requests.length, 0);
  assert.deepEqual(await history(t), []);
  await t.send(u.text(ALICE, "Мне снился дом."));
  assert.equal(t.api.texts().at(-1), "Понимаю.");
  const rows = await history(t);
  assert.deepEqual(rows.map((r) => [r.role, r.status]), [
    ["user", "answered"],
    ["assistant", "answered"],
  ]);
});
