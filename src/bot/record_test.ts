// The recording scrubber: ids, names, phone numbers, file ids and tokens never reach the file;
// message text and the shape of the update are kept, and ids stay consistent within a recording.

import assert from "node:assert/strict";
import { createScrubber } from "./record.ts";
import { ALICE, Updates } from "../../tests/harness/telegram.ts";

// deno-lint-ignore no-explicit-any -- the test walks into scrubbed updates of any shape
type Any = any;

Deno.test("recorded updates are scrubbed of ids, names and tokens but keep the text", () => {
  const scrub = createScrubber();
  const u = new Updates();
  const a = scrub(u.text(ALICE, "мой токен 123456789:AAbbccddeeffgghhiijjkkllmmnnooppqq")) as Any;
  const b = scrub(u.callback(ALICE, "menu:profile")) as Any;
  const text = JSON.stringify([a, b]);
  assert.doesNotMatch(text, new RegExp(`:${ALICE.id}[,}]`));
  assert.ok(!text.includes(ALICE.first_name));
  assert.ok(!text.includes(ALICE.username!));
  assert.ok(!text.includes("AAbbccdd"));
  assert.match(a.message.text, /^мой токен \[token\]$/);
  assert.equal(a.update_id, 1);
  assert.equal(b.update_id, 2);
  assert.equal(a.message.from.id, b.callback_query.from.id, "same person, same fake id");
  assert.equal(a.message.chat.id, a.message.from.id);
  assert.equal(b.callback_query.data, "menu:profile");
});

Deno.test("phone numbers and file ids are replaced", () => {
  const scrub = createScrubber();
  const out = JSON.stringify(scrub({
    update_id: 77,
    message: {
      contact: { phone_number: "+79161234567", first_name: "Мама", user_id: 555 },
      photo: [{ file_id: "AgACAgIAAxkBAAIB" }],
    },
  }));
  assert.ok(!out.includes("9161234567"));
  assert.ok(!out.includes("Мама"));
  assert.ok(!out.includes("AgACAgIAAxkBAAIB"));
  assert.ok(!out.includes("555"));
});
