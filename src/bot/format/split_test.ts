// Tests for splitting Telegram HTML into messages and shortening Markdown to a few paragraphs.

import assert from "node:assert/strict";
import { countParagraphs, limitParagraphs, splitForTelegram } from "./split.ts";
import { markdownToTelegramHtml } from "./telegram_html.ts";
import { assertSplit, textOf } from "../../../tests/harness/telegram_html.ts";

function sentence(k: number): string {
  const words = ["Вы", "можете", "**замечать**", "свои", "чувства", "без", "оценки", "и", "спешки"];
  return `${words.slice(0, 3 + (k % 6)).join(" ")} ${k} <важно> & «тихо».`;
}

Deno.test("splitForTelegram returns short text whole and blank text as nothing", () => {
  assert.deepEqual(splitForTelegram("<b>коротко</b>"), ["<b>коротко</b>"]);
  assert.deepEqual(splitForTelegram(""), []);
  assert.deepEqual(splitForTelegram(" \n "), []);
});

Deno.test("splitForTelegram cuts a 10 000-character answer at paragraph boundaries", () => {
  const paragraphs: string[] = [];
  for (let p = 0; p < 40; p++) {
    paragraphs.push(Array.from({ length: 4 }, (_, k) => sentence(p * 4 + k)).join(" "));
  }
  const html = markdownToTelegramHtml(paragraphs.join("\n\n"));
  assert.ok(html.length > 10_000, `${html.length}`);
  const parts = splitForTelegram(html);
  assert.ok(parts.length >= 3);
  assertSplit(html, parts, 4000);
  for (const part of parts) assert.match(part, /^<b>|^Вы/);
  for (const part of parts.slice(0, -1)) assert.match(part, /«тихо»\.$/);
});

Deno.test("splitForTelegram cuts one giant paragraph at sentences and re-balances tags", () => {
  const sentences = Array.from({ length: 200 }, (_, k) => sentence(k));
  const md = `Начало. **${sentences.join(" ")}** Конец _курсивом и ${sentences.join(" ")} тоже_.`;
  const html = markdownToTelegramHtml(md);
  assert.ok(html.length > 10_000, `${html.length}`);
  for (const limit of [4000, 1000, 333]) {
    const parts = splitForTelegram(html, limit);
    assertSplit(html, parts, limit);
    assert.ok(parts.slice(1).some((part) => part.startsWith("<b>")), "bold reopened");
    assert.ok(parts.slice(1).some((part) => part.startsWith("<i>")), "italic reopened");
    for (const part of parts.slice(0, -1)) assert.match(textOf(part), /[.!?…»]$/);
  }
});

Deno.test("splitForTelegram splits code blocks into <pre> parts", () => {
  const code = Array.from({ length: 400 }, (_, k) => `  const x${k} = a < b && c; // "**"`);
  const html = markdownToTelegramHtml("Код:\n\n```\n" + code.join("\n") + "\n```\n\nВсё.");
  const parts = splitForTelegram(html, 4000);
  assertSplit(html, parts, 4000);
  assert.ok(parts.length >= 4);
  for (const part of parts.slice(1, -1)) assert.match(part, /^<pre> {2}const[\s\S]*;.*<\/pre>$/);
});

Deno.test("splitForTelegram hard-cuts text without spaces, never inside an entity or emoji", () => {
  const html = "<b>" + "&lt;&amp;😀ж".repeat(700) + "</b>";
  for (const limit of [4000, 100, 37]) {
    const parts = splitForTelegram(html, limit);
    assertSplit(html, parts, limit);
    for (const part of parts) {
      assert.ok(
        !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(part),
      );
    }
  }
});

Deno.test("countParagraphs counts blank-line separated blocks, code blocks whole", () => {
  assert.equal(countParagraphs(""), 0);
  assert.equal(countParagraphs("один"), 1);
  assert.equal(countParagraphs("один\n\n\n два\n- пункт\n\nтри"), 3);
  assert.equal(countParagraphs("до\n\n```\nкод\n\nещё код\n```\n\nпосле"), 3);
});

Deno.test("limitParagraphs keeps the first paragraphs", () => {
  const md = [
    "Первый абзац. Всё хорошо.",
    "Второй абзац с **жирным** словом!",
    "Третий.",
    "Четвёртый.",
    "Пятый.",
  ].join("\n\n");
  const brief = limitParagraphs(md, 2);
  assert.equal(brief, "Первый абзац. Всё хорошо.\n\nВторой абзац с **жирным** словом!");
  assert.equal(countParagraphs(brief), 2);
});

Deno.test("limitParagraphs ends with a whole sentence when the kept part stops mid-thought", () => {
  const md = "Понимаю вас. Вот что можно сделать:\n\n- гулять\n- спать";
  assert.equal(limitParagraphs(md, 1), "Понимаю вас.");
  assert.equal(limitParagraphs("Да.\n\nСписок:\n\n- a", 2), "Да.");
  assert.equal(limitParagraphs("Да.\n\n- a\n- b\n\nЕщё.", 2), "Да.\n\n- a\n- b");
});

Deno.test("limitParagraphs cuts one very long paragraph at a sentence end", () => {
  const sentences = Array.from({ length: 60 }, (_, k) => `Это предложение номер ${k} о заботе.`);
  const md = sentences.join(" ").slice(0, 1500);
  assert.ok(md.length === 1500);
  const brief = limitParagraphs(md, 2);
  assert.ok(brief.length <= 900 && brief.length > 200, `${brief.length}`);
  assert.ok(md.startsWith(brief));
  assert.match(brief, /о заботе\.$/);
  const bold = limitParagraphs(`**${sentences.join(" ")}**`, 1);
  assert.match(bold, /^\*\*.*\.\*\*$/);
});

Deno.test("limitParagraphs returns short text unchanged", () => {
  const md = "Один абзац.\n\n\nВторой, без точки в конце";
  assert.equal(limitParagraphs(md, 2), md);
  assert.equal(limitParagraphs("", 2), "");
});
