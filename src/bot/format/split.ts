// Splits converted HTML into Telegram-sized messages with balanced tags, and shortens Markdown
// answers to a few paragraphs for the "кратко" length setting.

interface OpenTag {
  open: string;
  close: string;
}

interface Cut {
  end: number;
  next: number;
  stack: OpenTag[];
}

// Break qualities, best first.
const PARAGRAPH = 0;
const LINE = 1;
const SENTENCE = 2;
const WORD = 3;
const ENTITY = /&(?:#\d{1,7}|#x[\da-f]{1,6}|[a-z][a-z\d]{1,31});/iy;
const FENCE_START = /^\s{0,3}(`{3,}|~{3,})/;
const LONG_PARAGRAPH = 600;

/**
 * Splits HTML into parts of at most `limit` UTF-16 units, at the best boundary available and never
 * inside a tag or entity; tags open at a cut are closed there and reopened in the next part.
 * Blank input gives no parts.
 */
export function splitForTelegram(html: string, limit = 4000): string[] {
  if (html.length <= limit) return hasText(html) ? [html] : [];
  const parts: string[] = [];
  let stack: OpenTag[] = [];
  let start = 0;
  while (start < html.length) {
    const prefix = stack.map((t) => t.open).join("");
    const cut = findCut(html, start, stack, limit - prefix.length);
    const part = prefix + html.slice(start, cut.end) + closers(cut.stack);
    if (hasText(part)) parts.push(part);
    stack = cut.stack;
    start = cut.next;
  }
  return parts;
}

/** The number of blank-line separated paragraphs (a fenced code block never splits one). */
export function countParagraphs(text: string): number {
  return paragraphs(text).length;
}

/**
 * Keeps at most `maxParagraphs` paragraphs of Markdown; when something was dropped or the last
 * paragraph is very long, the result is cut so that it ends with a complete sentence.
 */
export function limitParagraphs(text: string, maxParagraphs: number): string {
  const all = paragraphs(text);
  const kept = all.slice(0, Math.max(1, maxParagraphs));
  const last = kept[kept.length - 1];
  if (last === undefined) return text;
  if (all.length === kept.length && last.length <= LONG_PARAGRAPH) return text;
  const ending = last.length > LONG_PARAGRAPH ? shorten(last) : completeSentences(last);
  if (ending) kept[kept.length - 1] = ending;
  else if (kept.length > 1) kept.pop();
  return kept.join("\n\n");
}

function findCut(html: string, start: number, initial: OpenTag[], budget: number): Cut {
  const stack = [...initial];
  let closeLength = closers(stack).length;
  const best: (Cut | undefined)[] = [];
  let hard: Cut | undefined;
  let visible = false;
  let tail = ""; // the last two visible characters, to recognise a sentence end
  let afterOpenTag = false;
  let pos = start;
  while (pos < html.length) {
    const ch = html[pos] ?? "";
    if (isSpace(ch) && visible && !afterOpenTag && !isSpace(html[pos - 1] ?? "")) {
      let end = pos;
      while (end < html.length && isSpace(html[end] ?? "")) end++;
      const newlines = html.slice(pos, end).split("\n").length - 1;
      const quality = newlines >= 2
        ? PARAGRAPH
        : newlines === 1
        ? LINE
        : /[.!?…]["»”)]?$/.test(tail)
        ? SENTENCE
        : WORD;
      // After a line break the next part keeps its indentation (it matters in code).
      const next = newlines ? html.lastIndexOf("\n", end - 1) + 1 : end;
      best[quality] = { end: pos, next, stack: [...stack] };
    }
    const atomEnd = nextAtom(html, pos);
    const atom = html.slice(pos, atomEnd);
    const tag = parseTag(atom);
    const delta = tag === undefined ? 0 : tag.closing ? -tag.close.length : tag.close.length;
    if (atomEnd - start + closeLength + delta > budget) break;
    pos = atomEnd;
    afterOpenTag = tag !== undefined && !tag.closing;
    if (tag === undefined) {
      if (!isSpace(atom)) {
        visible = true;
        tail = (tail + atom).slice(-2);
      }
      if (visible) hard = { end: pos, next: pos, stack: [...stack] };
    } else if (tag.closing) {
      if (stack[stack.length - 1]?.close === tag.close) stack.pop();
    } else stack.push({ open: atom, close: tag.close });
    closeLength = closers(stack).length;
  }
  if (pos >= html.length) return { end: pos, next: pos, stack };
  const min = budget * 0.3;
  const preferred = best.find((c) => c !== undefined && c.end - start >= min);
  const latest = best.reduce<Cut | undefined>(
    (a, c) => (c && (!a || c.end > a.end) ? c : a),
    undefined,
  );
  return preferred ?? latest ?? hard ?? forceCut(html, start, initial);
}

/** When not even one character fits beside the reopened tags, take one anyway to make progress. */
function forceCut(html: string, start: number, initial: OpenTag[]): Cut {
  const stack = [...initial];
  let pos = start;
  while (pos < html.length) {
    const end = nextAtom(html, pos);
    const atom = html.slice(pos, end);
    const tag = parseTag(atom);
    pos = end;
    if (tag === undefined) {
      if (!isSpace(atom)) break;
    } else if (tag.closing) stack.pop();
    else stack.push({ open: atom, close: tag.close });
  }
  return { end: pos, next: pos, stack };
}

function nextAtom(html: string, pos: number): number {
  const ch = html[pos];
  if (ch === "<") {
    const end = html.indexOf(">", pos);
    return end === -1 ? pos + 1 : end + 1;
  }
  if (ch === "&") {
    ENTITY.lastIndex = pos;
    const m = ENTITY.exec(html);
    return m ? pos + m[0].length : pos + 1;
  }
  const code = html.charCodeAt(pos);
  return code >= 0xd800 && code <= 0xdbff && pos + 1 < html.length ? pos + 2 : pos + 1;
}

function parseTag(atom: string): { closing: boolean; close: string } | undefined {
  const m = /^<(\/?)([a-z][a-z\d-]*)[^>]*>$/i.exec(atom);
  if (!m) return undefined;
  return { closing: m[1] === "/", close: `</${m[2]}>` };
}

function closers(stack: OpenTag[]): string {
  return stack.map((t) => t.close).reverse().join("");
}

function isSpace(ch: string): boolean {
  return ch === " " || ch === "\n" || ch === "\t";
}

function hasText(html: string): boolean {
  return html.replace(/<[^>]*>/g, "").trim() !== "";
}

function paragraphs(text: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let fence = "";
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const marker = FENCE_START.exec(line)?.[1];
    if (fence) {
      current.push(line);
      const closes = marker && marker[0] === fence[0] && marker.length >= fence.length;
      if (closes && line.trim() === marker) fence = "";
      continue;
    }
    if (marker) fence = marker;
    if (line.trim()) current.push(line);
    else if (current.length) {
      out.push(current.join("\n"));
      current = [];
    }
  }
  if (current.length) out.push(current.join("\n"));
  return out;
}

/** Offsets just after each sentence end; "1." opening a numbered item is not one. */
function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (const m of text.matchAll(/[.!?…]+["»”)*_]*(?=\s|$)/g)) {
    const lineStart = text.lastIndexOf("\n", m.index - 1) + 1;
    if (!/^\s*\d+$/.test(text.slice(lineStart, m.index))) ends.push(m.index + m[0].length);
  }
  return ends;
}

/** Cuts a long paragraph near LONG_PARAGRAPH characters, at a sentence end when there is one. */
function shorten(paragraph: string): string {
  const ends = sentenceEnds(paragraph);
  const before = ends.filter((e) => e <= LONG_PARAGRAPH).pop();
  const after = ends.find((e) => e > LONG_PARAGRAPH && e <= LONG_PARAGRAPH * 1.5);
  const end = before !== undefined && before >= LONG_PARAGRAPH / 3 ? before : after ?? before;
  if (end !== undefined) return closeBold(paragraph.slice(0, end));
  const words = paragraph.slice(0, LONG_PARAGRAPH);
  const space = words.lastIndexOf(" ");
  return closeBold((space > 0 ? words.slice(0, space) : words).trimEnd()) + "…";
}

/** The paragraph up to its last complete sentence ("" when it has none), lists kept whole. */
function completeSentences(paragraph: string): string {
  const text = paragraph.trimEnd();
  const lastLine = text.slice(text.lastIndexOf("\n") + 1);
  if (/[.!?…]["»”)*_]*$/.test(text) || /^\s*([-*+•]|\d{1,3}[.)])\s/.test(lastLine)) return text;
  if (text.endsWith("```") || text.endsWith("~~~")) return text;
  const end = sentenceEnds(text).pop();
  return end === undefined ? "" : closeBold(text.slice(0, end));
}

/** A cut through **bold** would leave a stray marker; close it instead. */
function closeBold(text: string): string {
  return (text.match(/\*\*/g)?.length ?? 0) % 2 === 1 ? text + "**" : text;
}
