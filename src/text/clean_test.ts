import assert from "node:assert/strict";
import { cleanText, cleanTextAndSpans } from "./clean.ts";

Deno.test("cleanText removes C0 controls but line feed and tab, DEL, and lone surrogates", () => {
  assert.equal(
    cleanText("a\u0000b\u0001c\u0007d\be\u000bf\fg\rh\u001bi\u001fj\u007fk"),
    "abcdefghijk",
  );
  assert.equal(cleanText("line\nnext\ttab"), "line\nnext\ttab");
  assert.equal(cleanText("x\ud800y\udfffz"), "xyz");
  assert.equal(cleanText("\udc00\ud800"), "");
  assert.equal(cleanText("\ud800\ud83d\ude00"), "😀", "a lone high surrogate before a pair");
  assert.equal(cleanText("\u0000\u0000"), "");
});

Deno.test("cleanText keeps every printable character as it is", () => {
  for (const s of ["", "привет", "😀🫠 👩‍👩‍👧", "𝔖𝔱𝔯", "a\u00a0b", "\u0085 \u200b \ufeff", "日本語"]) {
    assert.equal(cleanText(s), s);
  }
});

Deno.test("cleanTextAndSpans moves spans with the text and drops a span left empty", () => {
  const spans = [
    { type: "bot_command", offset: 0, length: 8 }, // "/he\0lper"
    { type: "bold", offset: 9, length: 1 }, // "\u0001" alone
    { type: "italic", offset: 11, length: 5 }, // "w\u0007ord"
  ];
  const { text, spans: moved } = cleanTextAndSpans("/he\u0000lper \u0001 w\u0007ord!", spans);
  assert.equal(text, "/helper  word!");
  assert.deepEqual(moved, [
    { type: "bot_command", offset: 0, length: 7 },
    { type: "italic", offset: 9, length: 4 },
  ]);
  assert.equal(text.slice(0, 7), "/helper");
  assert.equal(text.slice(9, 13), "word");
});

Deno.test("cleanTextAndSpans leaves clean text and its spans alone", () => {
  const spans = [{ offset: 0, length: 2 }];
  const out = cleanTextAndSpans("😀 hi", spans);
  assert.equal(out.text, "😀 hi");
  assert.deepEqual(out.spans, spans);
});
