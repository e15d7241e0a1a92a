import assert from "node:assert/strict";
import { countTokens, loadTokenizer, messageTokens } from "./tokens.ts";
import type { ChatMessage } from "./llm.ts";

const TEXT = "Мне тревожно перед завтрашним разговором.";
const MORE = "Что вы чувствуете?";

Deno.test("what a text costs before the tokenizer is loaded (its UTF-8 length) is never less than after", async () => {
  await loadTokenizer();
  const texts = [
    "Мне сегодня очень тяжело, не могу уснуть.",
    "hello world",
    "🌙✨ сон",
    "",
    "a".repeat(500),
  ];
  for (const t of texts) assert.ok(new TextEncoder().encode(t).length >= countTokens(t), t);
  // Loaded, counts are exact: a Russian sentence is far fewer tokens than bytes.
  assert.ok(countTokens(texts[0]!) < new TextEncoder().encode(texts[0]!).length / 3);
});

Deno.test("messageTokens counts string content and the framing", async () => {
  await loadTokenizer();
  const message: ChatMessage = { role: "user", content: TEXT };
  assert.equal(messageTokens(message), countTokens(TEXT) + 4);
  assert.equal(messageTokens({ ...message, content: "" }), 4);
});

Deno.test("messageTokens counts the text parts of array content", () => {
  const parts = [
    { type: "text", text: TEXT },
    { type: "input_text", text: MORE },
    { type: "image_url", image_url: { url: "https://example.org/a.png" } },
  ];
  assert.equal(messageTokens({ content: parts }), countTokens(TEXT) + countTokens(MORE) + 4);
  assert.equal(
    messageTokens({ content: [{ type: "output_text", text: MORE }] }),
    countTokens(MORE) + 4,
  );
});

Deno.test("messageTokens takes content it cannot read as no text", () => {
  assert.equal(messageTokens({}), 4);
  assert.equal(messageTokens({ content: null }), 4);
  assert.equal(messageTokens({ content: [null, 7, { type: "image_url" }] }), 4);
});
