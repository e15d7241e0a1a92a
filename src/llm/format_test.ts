// Tests for Markdown → Telegram HTML conversion, the plain-text fallback, splitting and shortening.

import assert from "node:assert/strict";
import {
  countParagraphs,
  limitParagraphs,
  markdownToTelegramHtml,
  splitForTelegram,
  stripToPlainText,
} from "./format.ts";

const TAG = /<(\/?)(b|i|u|s|code|pre|blockquote|a)(?: href="[^"<>]*")?>/y;
const ENTITY = /&(?:amp|lt|gt|quot|#\d+);/y;

/** Asserts that Telegram would parse `html`: known tags only, properly nested, entities whole. */
function assertTelegramHtml(html: string): void {
  const stack: string[] = [];
  let i = 0;
  while (i < html.length) {
    const ch = html[i];
    const context = `at ${i}: ${JSON.stringify(html.slice(Math.max(0, i - 20), i + 30))}`;
    if (ch === "<") {
      TAG.lastIndex = i;
      const m = TAG.exec(html);
      assert.ok(m, `bad tag ${context}`);
      const name = m[2] ?? "";
      if (m[1]) assert.equal(stack.pop(), name, `mismatched </${name}> ${context}`);
      else {
        const top = stack[stack.length - 1];
        assert.ok(top !== "code" && top !== "pre", `<${name}> inside <${top}> ${context}`);
        stack.push(name);
      }
      i += m[0].length;
    } else if (ch === "&") {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(html);
      assert.ok(m, `bare & ${context}`);
      i += m[0].length;
    } else {
      assert.notEqual(ch, ">", `bare > ${context}`);
      i++;
    }
  }
  assert.deepEqual(stack, [], `unclosed tags in ${JSON.stringify(html.slice(-60))}`);
}

function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, "");
}

/** Checks parts against the original: valid, within the limit, same text except at the cuts. */
function assertSplit(original: string, parts: string[], limit: number): void {
  const whole = textOf(original);
  let at = 0;
  for (const part of parts) {
    assert.ok(part.length <= limit, `part of ${part.length} > ${limit}`);
    assert.ok(textOf(part).trim(), "empty part");
    assertTelegramHtml(part);
    const text = textOf(part);
    const found = whole.indexOf(text, at);
    assert.ok(found !== -1, `part text not found in order: ${JSON.stringify(text.slice(0, 60))}`);
    assert.equal(whole.slice(at, found).trim(), "", "text lost between parts");
    at = found + text.length;
  }
  assert.equal(whole.slice(at).trim(), "", "text lost at the end");
}

const ANSWER = `## Как справиться с тревогой

Тревога — это **нормальная** реакция организма. Вот что может помочь:

* **Дыхание 4-7-8**: вдох на 4 счёта, задержка на 7, выдох на 8.
- Прогулка на свежем воздухе
+ Разговор с __близким__ человеком



1. Замечайте мысли.
2. Записывайте их в дневник — _без оценки_, *спокойно*.

> Ты не обязан справляться со всем в одиночку.
> Это ~~слабость~~ нормально.

Подробнее: [статья о тревоге](https://example.com/anxiety?a=1&b="2")`;

Deno.test("markdownToTelegramHtml converts a typical Russian answer", () => {
  const html = markdownToTelegramHtml(ANSWER);
  assert.equal(
    html,
    [
      "<b>Как справиться с тревогой</b>",
      "",
      "Тревога — это <b>нормальная</b> реакция организма. Вот что может помочь:",
      "",
      "• <b>Дыхание 4-7-8</b>: вдох на 4 счёта, задержка на 7, выдох на 8.",
      "• Прогулка на свежем воздухе",
      "• Разговор с <b>близким</b> человеком",
      "",
      "1. Замечайте мысли.",
      "2. Записывайте их в дневник — <i>без оценки</i>, <i>спокойно</i>.",
      "",
      "<blockquote>Ты не обязан справляться со всем в одиночку.",
      "Это <s>слабость</s> нормально.</blockquote>",
      "",
      'Подробнее: <a href="https://example.com/anxiety?a=1&amp;b=&quot;2&quot;">статья о тревоге</a>',
    ].join("\n"),
  );
  assertTelegramHtml(html);
});

Deno.test("markdownToTelegramHtml escapes raw <, > and & everywhere", () => {
  assert.equal(markdownToTelegramHtml("a < b & c > d"), "a &lt; b &amp; c &gt; d");
  assert.equal(
    markdownToTelegramHtml("<b>не тег</b> &amp;"),
    "&lt;b&gt;не тег&lt;/b&gt; &amp;amp;",
  );
  assert.equal(markdownToTelegramHtml("**a < b**"), "<b>a &lt; b</b>");
});

Deno.test("markdownToTelegramHtml leaves code alone", () => {
  const md = 'Пример:\n\n```html\n<script>alert("**x**")</script>\n\n  _y_ & z\n```\n\nГотово.';
  assert.equal(
    markdownToTelegramHtml(md),
    'Пример:\n\n<pre>&lt;script&gt;alert("**x**")&lt;/script&gt;\n\n  _y_ &amp; z</pre>\n\nГотово.',
  );
  assert.equal(
    markdownToTelegramHtml("Команда `rm -rf *_tmp_* <dir>` и **жирный**"),
    "Команда <code>rm -rf *_tmp_* &lt;dir&gt;</code> и <b>жирный</b>",
  );
  assert.equal(markdownToTelegramHtml("```\nнезакрытый **код**"), "<pre>незакрытый **код**</pre>");
});

Deno.test("markdownToTelegramHtml does not see emphasis where there is none", () => {
  const literal = [
    "Переменная user_name и файл my_long_file_name.ts",
    "5 * 3 = 15, а 2*3*4 = 24",
    "Это **незакрытый маркер",
    "Одинокое _подчёркивание и *звёздочка",
    "Около ~5 минут",
    "https://example.com/some_path_here_ok",
    "Ссылка [без протокола](javascript:alert(1))",
    "#хэштег",
  ];
  for (const line of literal) assert.equal(markdownToTelegramHtml(line), line, line);
});

Deno.test("markdownToTelegramHtml nests and closes everything", () => {
  const cases: [string, string][] = [
    ["**жирный _курсив_**", "<b>жирный <i>курсив</i></b>"],
    ["*курсив **и жирный** тоже*", "<i>курсив <b>и жирный</b> тоже</i>"],
    ["**внешний **внутренний** хвост**", "<b>внешний внутренний хвост</b>"],
    ["**Совет:** дышите **медленно**", "<b>Совет:</b> дышите <b>медленно</b>"],
    ["***оба***", "<b><i>оба</i></b>"],
    ["**a *b** c*", "<b>a *b</b> c*"],
    ["**[ссылка](https://x.ru/a_b)**", '<b><a href="https://x.ru/a_b">ссылка</a></b>'],
    ["# **Итог**", "<b>Итог</b>"],
    ["### Шаг 2 ###", "<b>Шаг 2</b>"],
    ["Текст\n\n---\n\nещё", "Текст\n\nещё"],
    ["\\*не курсив\\*", "*не курсив*"],
    ["a\n\n\n\nb\n\n\n", "a\n\nb"],
    ["  - вложенный пункт", "  • вложенный пункт"],
    ["См. https://x.ru/a_b.", "См. https://x.ru/a_b."],
    ["``двойной `код` ``", "<code>двойной `код`</code>"],
    ["Смотри <https://x.ru/a_b>", "Смотри https://x.ru/a_b"],
  ];
  for (const [md, html] of cases) {
    assert.equal(markdownToTelegramHtml(md), html, md);
    assertTelegramHtml(html);
  }
});

Deno.test("markdownToTelegramHtml always produces valid HTML for random marker soup", () => {
  const pieces = [
    "*",
    "**",
    "_",
    "__",
    "~~",
    "`",
    "```",
    "[",
    "](",
    ")",
    "https://a.b/c_d",
    "<",
    ">",
  ];
  pieces.push("&", " ", "\n", "\n\n", "слово", "a", "#", "# ", "- ", "1. ", "> ", "\\", '"', "'");
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let run = 0; run < 2000; run++) {
    let md = "";
    const length = 1 + random(30);
    for (let k = 0; k < length; k++) md += pieces[random(pieces.length)];
    const html = markdownToTelegramHtml(md);
    try {
      assertTelegramHtml(html);
    } catch (error) {
      throw new Error(`for ${JSON.stringify(md)} → ${JSON.stringify(html)}`, { cause: error });
    }
    assert.ok(!/[<>]/.test(stripToPlainText(md).replace(/[<>]/g, "")));
  }
});

Deno.test("markdownToTelegramHtml stays fast on a long line of unmatched markers", () => {
  const started = performance.now();
  const html = markdownToTelegramHtml("*a _b [c ".repeat(20_000));
  assert.ok(performance.now() - started < 5000);
  assertTelegramHtml(html);
});

Deno.test("stripToPlainText drops the markers and keeps the text", () => {
  const plain = stripToPlainText(ANSWER);
  assert.ok(plain.startsWith("Как справиться с тревогой\n\nТревога — это нормальная реакция"));
  assert.ok(plain.includes("• Дыхание 4-7-8: вдох на 4 счёта"));
  assert.ok(plain.includes("2. Записывайте их в дневник — без оценки, спокойно."));
  assert.ok(plain.includes('статья о тревоге (https://example.com/anxiety?a=1&b="2")'));
  assert.ok(!/[*_~#<>]|\[|&amp;/.test(plain), plain);
  assert.equal(stripToPlainText("a < b & c, `x<y>`"), "a < b & c, x<y>");
  assert.equal(stripToPlainText("[https://x.ru](https://x.ru)"), "https://x.ru");
});

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
