// Checks for Telegram HTML in tests: that Telegram would parse it, its text without tags, and that
// split parts add up to the whole.

import assert from "node:assert/strict";

const TAG = /<(\/?)(b|i|u|s|code|pre|blockquote|a)(?: href="[^"<>]*")?>/y;
const ENTITY = /&(?:amp|lt|gt|quot|#\d+);/y;

/** Asserts that Telegram would parse `html`: known tags only, properly nested, entities whole. */
export function assertTelegramHtml(html: string): void {
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

export function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, "");
}

/** Checks parts against the original: valid, within the limit, same text except at the cuts. */
export function assertSplit(original: string, parts: string[], limit: number): void {
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
