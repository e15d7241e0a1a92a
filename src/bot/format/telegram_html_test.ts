// Tests for Markdown → Telegram HTML conversion and the plain-text fallback.

import assert from "node:assert/strict";
import { markdownToTelegramHtml, stripToPlainText } from "./telegram_html.ts";
import { assertTelegramHtml } from "../../../tests/harness/telegram_html.ts";

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
    // CommonMark reads crossed markers as <em><em>a <em>b</em></em> c</em>; one <i> is kept.
    ["**a *b** c*", "<i>a b c</i>"],
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

Deno.test("markdownToTelegramHtml keeps every prefix of a streamed answer valid", () => {
  const answer = ANSWER +
    "\n\n```ts\nconst a = b < c && d; // **x**\n```\n\n| a | *b* |\n|---|---|";
  for (let end = 0; end <= answer.length; end++) {
    const md = answer.slice(0, end);
    const html = markdownToTelegramHtml(md);
    try {
      assertTelegramHtml(html);
    } catch (error) {
      throw new Error(`for ${JSON.stringify(md)} → ${JSON.stringify(html)}`, { cause: error });
    }
  }
  assert.equal(markdownToTelegramHtml("Начните с **сил"), "Начните с **сил");
  assert.equal(markdownToTelegramHtml("a ``` b"), "a ``` b");
  assert.equal(markdownToTelegramHtml("Код:\n```py\nx = 1 < 2"), "Код:\n<pre>x = 1 &lt; 2</pre>");
});

Deno.test("markdownToTelegramHtml keeps to what Telegram can nest", () => {
  const cases: [string, string][] = [
    ["> a\n> > b\n> ```\n> c < d\n> ```", "<blockquote>a\nb\nc &lt; d</blockquote>"],
    ["[`код` и **жирный**](https://x.ru)", '<a href="https://x.ru">код и <b>жирный</b></a>'],
    ["- a\n  - b\n1. c\n   - d", "• a\n  • b\n1. c\n   • d"],
    ["- [ ] сделать\n- [x] готово", "• [ ] сделать\n• [x] готово"],
    ["Абзац\n---\nдальше", "Абзац\n\nдальше"],
    ["Заголовок\n===", "<b>Заголовок</b>"],
    ["| a | b |\n|---|---|\n| 1 | **2** |", "<b>a | b</b>\n1 | <b>2</b>"],
    [
      "![фото](https://x.ru/a.png) [x](tg://user?id=1)",
      '<a href="https://x.ru/a.png">фото</a> [x](tg://user?id=1)',
    ],
    ["&#60;script&#62; <i>", "&amp;#60;script&amp;#62; &lt;i&gt;"],
  ];
  for (const [md, html] of cases) {
    assert.equal(markdownToTelegramHtml(md), html, md);
    assertTelegramHtml(html);
  }
});

Deno.test("markdownToTelegramHtml falls back to escaped text when the lexer gives up", () => {
  const deep = ">".repeat(10_000) + " <глубоко> & **x**";
  const html = markdownToTelegramHtml(deep);
  assertTelegramHtml(html);
  assert.ok(html.startsWith("&gt;&gt;&gt;") && html.endsWith(" &lt;глубоко&gt; &amp; **x**"));
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
