// Text from outside made safe to read and to store: control characters are removed — C0 except
// line feed and tab (U+0000 included, which PostgreSQL refuses in text), DEL — and so are lone
// surrogates (half a character, which no encoder can write as UTF-8). Everything else, emoji and
// other scripts included, is kept as it is.
//
// Telegram marks up a message with entities: spans in UTF-16 code units. When characters are
// removed the spans are moved with the text, so a command or a link still covers what it did.

const CONTROL_SOURCE = String.raw`[\u0000-\u0008\u000B-\u001F\u007F]` +
  String.raw`|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]`;
const CONTROL = new RegExp(CONTROL_SOURCE);
const CONTROLS = new RegExp(CONTROL_SOURCE, "g");

/** `text` without control characters and lone surrogates. */
export function cleanText(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, "") : text;
}

/** A span of a text in UTF-16 code units, as Telegram's message entities are. */
export interface Span {
  offset: number;
  length: number;
}

/**
 * `text` cleaned as `cleanText` does, and its spans moved to match: a span loses what was
 * removed inside it and shifts by what was removed before it; a span left empty is dropped.
 */
export function cleanTextAndSpans<S extends Span>(
  text: string,
  spans: readonly S[],
): { text: string; spans: S[] } {
  if (!CONTROL.test(text)) return { text, spans: [...spans] };
  const removed: number[] = []; // positions of removed code units, ascending
  for (const m of text.matchAll(CONTROLS)) removed.push(m.index);
  const shift = (position: number) => position - countBelow(removed, position);
  const moved: S[] = [];
  for (const s of spans) {
    const offset = shift(s.offset);
    const length = shift(s.offset + s.length) - offset;
    if (length > 0) moved.push({ ...s, offset, length });
  }
  return { text: text.replace(CONTROLS, ""), spans: moved };
}

/** How many of the ascending `xs` are below `n` (binary search). */
function countBelow(xs: readonly number[], n: number): number {
  let lo = 0, hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
