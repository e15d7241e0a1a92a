// Evidence quotes must occur in the user's own messages.

import assert from "node:assert/strict";
import { keepRealQuotes } from "./quotes.ts";

const messages = [
  "Я опять поссорилась с мамой. Она говорит, что я всё делаю не так!",
  "Мне кажется, я никому не нужна…",
];

Deno.test("real quotes are kept, whatever the case, ё/е, spacing, quote marks and end punctuation", () => {
  const r = keepRealQuotes(
    [
      "«Она говорит, что я всё делаю не так»",
      "мне  кажется, Я никому не нужна",
      "опять поссорилась",
    ],
    messages,
  );
  assert.deepEqual(r.kept, [
    "Она говорит, что я всё делаю не так",
    "мне  кажется, Я никому не нужна",
    "опять поссорилась",
  ]);
  assert.equal(r.dropped, 0);
});

Deno.test("invented, paraphrased and too-short quotes are dropped", () => {
  const r = keepRealQuotes(
    ["я ненавижу свою работу", "мама меня не понимает", "я", "..."],
    messages,
  );
  assert.deepEqual(r.kept, []);
  assert.equal(r.dropped, 4);
});

Deno.test("a quote from the assistant's words is not the user's", () => {
  const r = keepRealQuotes(["Похоже, ссора задела вас"], messages);
  assert.equal(r.kept.length, 0);
});
