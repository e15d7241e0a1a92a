// cleanInput and privateOnly's answer: text that is not a string, control characters in text,
// captions and names, callback data that is not a string, and presses outside a private chat.

import assert from "node:assert/strict";
import type { Update } from "grammy/types";
import { onboard, startTestBot } from "../../tests/harness/bot.ts";
import { history, sessionOf, userRow } from "../../tests/harness/db.ts";
import { ALICE, Updates } from "../../tests/harness/telegram.ts";
import { scriptedText, startOpenAiMock } from "../../tests/harness/openai_mock.ts";
import { TEXT_ONLY } from "./features/fallback.ts";
import { TEXT_ONLY_IN_CHAT } from "./features/chat.ts";
import { MENU, menuScreen, STALE_BUTTON } from "./nav.ts";
import { APOLOGY } from "./bot.ts";

/** `update` with its message's fields replaced (undefined deletes one). */
function withMessage(update: Update, fields: Record<string, unknown>): Update {
  const message = update.message as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) delete message[k];
    else message[k] = v;
  }
  return update;
}

function errorsOf(t: { log: { lines: string[] } }): string[] {
  return t.log.lines.filter((l) => l.startsWith("ERROR"));
}

Deno.test("input: a message whose text is not a string gets the text-only answer, outside a chat and in one", async () => {
  await using openai = await startOpenAiMock();
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u);
  const odd: unknown[] = [5, { text: "hi" }, ["a"], null, true];
  for (const text of odd) await t.send(withMessage(u.text(ALICE, "x"), { text }));
  // With a command's entity, too: grammY's command matching must not read it.
  await t.send(withMessage(u.command(ALICE, "/helper"), { text: 7 }));
  assert.deepEqual(t.api.texts(), [...odd, 7].map(() => TEXT_ONLY));
  t.api.clear();
  await t.send(u.command(ALICE, "/helper"));
  t.api.clear();
  await t.send(withMessage(u.text(ALICE, "x"), { text: { length: 3 } }));
  assert.deepEqual(t.api.texts(), [TEXT_ONLY_IN_CHAT]);
  assert.equal(openai.requests.length, 0);
  assert.deepEqual(errorsOf(t), []);
});

Deno.test("input: control characters are stripped before the chat stores and answers a message", async () => {
  await using openai = await startOpenAiMock();
  scriptedText(openai, "Я слушаю.");
  await using t = await startTestBot({ openaiBaseUrl: openai.baseUrl });
  const u = new Updates();
  await onboard(t, u, "/helper");
  await t.send(u.text(ALICE, "мне\u0000 грустно\u0007\r\nочень\ud800\u007f\tправда"));
  assert.deepEqual((await history(t)).map((r) => r.content), [
    "мне грустно\nочень\tправда",
    "Я слушаю.",
  ]);
  assert.ok(t.api.texts().includes("Я слушаю."));
  assert.deepEqual(errorsOf(t), []);
});

Deno.test("input: a text of nothing but control characters is treated as media", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(u.text(ALICE, "\u0000\u0001\udfff"));
  assert.deepEqual(t.api.texts(), [TEXT_ONLY]);
  assert.deepEqual(errorsOf(t), []);
});

Deno.test("input: a command with a control character inside still works, its entity moved with the text", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  // Unmoved, the entity would cover "helper м" and match no command.
  await t.send(u.command(ALICE, "/hel\u0000per мне"));
  assert.equal((await sessionOf(t, ALICE)).assistant, "helper");
});

Deno.test("input: callback data that is not a string is a stale button", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  const pressed = [5, null, {}];
  for (const data of pressed) {
    const update = u.callback(ALICE, MENU.main, 101);
    (update.callback_query as unknown as Record<string, unknown>).data = data;
    await t.send(update);
  }
  assert.deepEqual(
    t.api.of("answerCallbackQuery").map((p) => p.text),
    pressed.map(() => STALE_BUTTON),
  );
  assert.deepEqual(t.api.texts(), pressed.map(() => menuScreen().text));
  assert.deepEqual(errorsOf(t), []);
});

Deno.test("input: a sender's names with control characters are stored clean", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  const who = {
    id: 100_077,
    first_name: "Ан\u0000на",
    username: "an\u0007na",
    language_code: "r\u0000u",
  };
  await t.send(u.command(who, "/start"));
  const row = await userRow(t, who);
  assert.deepEqual([row?.first_name, row?.username], ["Анна", "anna"]);
  const [stored] = await t.db.query<{ language_code: string }>(
    "SELECT language_code FROM users WHERE id = $1",
    [who.id],
  );
  assert.equal(stored?.language_code, "ru");
  assert.deepEqual(errorsOf(t), []);
});

Deno.test("input: a caption with control characters or of the wrong type leaves a photo a photo", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  await t.send(withMessage(u.media(ALICE, "photo"), { caption: "море\u0000" }));
  await t.send(withMessage(u.media(ALICE, "photo"), { caption: 5, caption_entities: "x" }));
  assert.deepEqual(t.api.texts(), [TEXT_ONLY, TEXT_ONLY]);
  assert.deepEqual(errorsOf(t), []);
});

Deno.test("input: a button pressed in a group or on an inline message is answered once, with nothing sent", async () => {
  await using t = await startTestBot();
  const u = new Updates();
  await onboard(t, u);
  const group = u.callback(ALICE, MENU.main, 1);
  (group.callback_query!.message as unknown as Record<string, unknown>).chat = {
    id: -1_001_234_567_890,
    type: "supergroup",
    title: "Group",
  };
  const inline = u.callback(ALICE, MENU.main, 1);
  const q = inline.callback_query as unknown as Record<string, unknown>;
  delete q.message;
  q.inline_message_id = "AAAA";
  await t.send(group, inline);
  assert.deepEqual(
    t.api.of("answerCallbackQuery").map((p) => p.callback_query_id),
    [group.callback_query!.id, inline.callback_query!.id],
  );
  assert.deepEqual(t.api.of("answerCallbackQuery").map((p) => p.text), [undefined, undefined]);
  assert.deepEqual(t.api.texts(), []);
  assert.ok(!t.api.texts().includes(APOLOGY));
});
