// Turns the Markdown chat models write into the HTML subset Telegram accepts, or into plain text
// for when Telegram rejects the HTML anyway. Splitting and shortening live in split.ts.

import { escapeAttr, escapeHtml } from "./escape.ts";

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/;
const QUOTE = /^\s{0,3}>/;
const RULE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.+?)(?:\s+#+)?\s*$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const NUMBERED = /^(\s*)(\d{1,3}[.)])\s+(.*)$/;
// Placeholders for already-converted pieces (code spans, links, URLs) are single characters from
// the Private Use Area, which is stripped from the input so the two cannot mix.
const SLOT_BASE = 0xe000;
const SLOT_MAX = 0xf8ff - SLOT_BASE;
const SLOT_CHARS = /[\ue000-\uf8ff]/g;
const CODE_SPAN = /(?<!`)(`{1,3})(?!`)(.+?)(?<!`)\1(?!`)/g;
const AUTOLINK = /<(https?:\/\/[^\s<>]+)>/g;
const LINK =
  /\[([^\]\n]{1,500})\]\((https?:\/\/(?:[^\s()\ue000-\uf8ff]|\([^\s()\ue000-\uf8ff]*\))+)\)/g;
const BARE_URL = /https?:\/\/[^\s<>\ue000-\uf8ff]+/g;
const URL_TAIL = /[.,;:!?)»"'*_]+$/;
const BACKSLASH = /\\([\\`*_~#[\]()>+\-.!|])/g;

/** Converts model Markdown to Telegram HTML: all text escaped, every tag closed and nested. */
export function markdownToTelegramHtml(md: string): string {
  const lines = md.replace(/\r\n?/g, "\n").replace(SLOT_CHARS, "").split("\n");
  const out: string[] = [];
  const push = (html: string) => {
    // Paragraph breaks survive, but never more than one blank line in a row.
    if (html === "" && (out.length === 0 || out[out.length - 1] === "")) return;
    out.push(html);
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1] ?? "```";
      const code: string[] = [];
      // An unclosed fence (a cut-off answer) runs to the end rather than mangling the code.
      for (i++; i < lines.length; i++) {
        const l = lines[i] ?? "";
        if (l.trim().startsWith(marker) && l.trim().replaceAll(marker[0] ?? "`", "") === "") break;
        code.push(l);
      }
      i++;
      if (code.join("").trim()) push(`<pre>${escapeHtml(code.join("\n"))}</pre>`);
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      for (; i < lines.length && QUOTE.test(lines[i] ?? ""); i++) {
        quoted.push(convertLine((lines[i] ?? "").replace(/^\s{0,3}>\s?/, "")));
      }
      const body = quoted.join("\n").replace(/\n{3,}/g, "\n\n").trim();
      if (body) push(`<blockquote>${body}</blockquote>`);
      continue;
    }
    push(convertLine(line));
    i++;
  }
  while (out[out.length - 1] === "") out.pop();
  return out.join("\n");
}

/** Plain text for when Telegram rejects the HTML: no markers, bullets as •, links as "text (url)". */
export function stripToPlainText(md: string): string {
  return markdownToTelegramHtml(md)
    .replace(/<a href="([^"]*)">([\s\S]*?)<\/a>/g, (_, href: string, text: string) => {
      const label = text.replace(/<[^>]*>/g, "");
      return label === href ? href : `${label} (${href})`;
    })
    .replace(/<[^>]*>/g, "")
    .replace(/&(lt|gt|quot|amp);/g, (_, name: string) => ENTITY_CHARS[name] ?? "");
}

const ENTITY_CHARS: Record<string, string> = { lt: "<", gt: ">", quot: '"', amp: "&" };

function convertLine(raw: string): string {
  const line = raw.trimEnd();
  if (!line.trim() || RULE.test(line)) return "";
  const heading = HEADING.exec(line);
  if (heading) {
    return `<b>${inline(heading[1] ?? "", ["b"])}</b>`;
  }
  const bullet = BULLET.exec(line);
  if (bullet) return `${bullet[1] ?? ""}• ${inline(bullet[2] ?? "")}`;
  const numbered = NUMBERED.exec(line);
  if (numbered) return `${numbered[1] ?? ""}${numbered[2] ?? ""} ${inline(numbered[3] ?? "")}`;
  return inline(line);
}

/** Inline Markdown of one line: code spans and links are set aside first so nothing formats them. */
function inline(text: string, active: string[] = []): string {
  const slots: string[] = [];
  const slot = (html: string, fallback: string) => {
    if (slots.length > SLOT_MAX) return escapeHtml(fallback);
    slots.push(html);
    return String.fromCharCode(SLOT_BASE + slots.length - 1);
  };
  const marked = text
    .replace(CODE_SPAN, (all, _, code: string) => {
      return slot(`<code>${escapeHtml(code.trim() || code)}</code>`, all);
    })
    .replace(AUTOLINK, "$1")
    .replace(BACKSLASH, (all, ch: string) => slot(escapeHtml(ch), all))
    .replace(LINK, (all, label: string, url: string) => {
      const body = emphasize(escapeHtml(label));
      return slot(`<a href="${escapeAttr(url)}">${body}</a>`, all);
    })
    .replace(BARE_URL, (url) => {
      const tail = URL_TAIL.exec(url)?.[0] ?? "";
      const bare = url.slice(0, url.length - tail.length);
      return bare.length > 8 ? slot(escapeHtml(bare), bare) + tail : url;
    });
  const restore = (s: string): string =>
    s.replace(SLOT_CHARS, (ch) => restore(slots[ch.charCodeAt(0) - SLOT_BASE] ?? ""));
  return restore(emphasize(escapeHtml(marked), active));
}

const TAGS: Record<string, string[] | undefined> = {
  "*": ["i"],
  "**": ["b"],
  "***": ["b", "i"],
  "_": ["i"],
  "__": ["b"],
  "___": ["b", "i"],
  "~~": ["s"],
};

interface Run {
  start: number;
  end: number;
  key: string;
  tags: string[];
  open: boolean;
  close: boolean;
  mate?: number;
}

/**
 * Emphasis on escaped text with a delimiter stack: a closing run pairs with the nearest opener of
 * the same kind and openers in between stay literal, so tags always nest; unmatched runs stay
 * literal. `active` are the tags already open around `s`: bold inside bold adds no second <b>.
 */
function emphasize(s: string, active: string[] = []): string {
  const runs = findRuns(s);
  const stack: number[] = []; // indexes of the openers still waiting
  const waiting = new Map<string, number>(); // openers on the stack, per kind
  const changeWaiting = (key: string, by: number) => waiting.set(key, (waiting.get(key) ?? 0) + by);
  runs.forEach((run, index) => {
    if (run.close && (waiting.get(run.key) ?? 0) > 0) {
      let top = stack.pop();
      let opener = top === undefined ? undefined : runs[top];
      while (opener && opener.key !== run.key) {
        changeWaiting(opener.key, -1);
        top = stack.pop();
        opener = top === undefined ? undefined : runs[top];
      }
      if (opener) {
        changeWaiting(run.key, -1);
        opener.mate = index;
        run.mate = top;
      }
    } else if (run.open) {
      stack.push(index);
      changeWaiting(run.key, 1);
    }
  });
  const depth = new Map<string, number>(active.map((tag) => [tag, 1]));
  let out = "";
  let pos = 0;
  runs.forEach((run, index) => {
    if (run.mate === undefined) return;
    out += s.slice(pos, run.start);
    pos = run.end;
    const opening = run.mate > index;
    for (const tag of opening ? run.tags : [...run.tags].reverse()) {
      const d = depth.get(tag) ?? 0;
      depth.set(tag, opening ? d + 1 : d - 1);
      if (opening && d === 0) out += `<${tag}>`;
      if (!opening && d === 1) out += `</${tag}>`;
    }
  });
  return out + s.slice(pos);
}

/** Runs of emphasis markers, with whether each may open or close (flanking, not inside words). */
function findRuns(s: string): Run[] {
  const runs: Run[] = [];
  for (const m of s.matchAll(/\*+|_+|~+/g)) {
    const key = m[0];
    const tags = TAGS[key];
    if (!tags) continue;
    const start = m.index;
    const end = start + key.length;
    const prev = s[start - 1];
    const next = s[end];
    runs.push({
      start,
      end,
      key,
      tags,
      open: next !== undefined && !/\s/.test(next) && !isWordChar(prev, key),
      close: prev !== undefined && !/\s/.test(prev) && !isWordChar(next, key),
    });
  }
  return runs;
}

function isWordChar(ch: string | undefined, key: string): boolean {
  if (ch === undefined || key.startsWith("~")) return false;
  return key.startsWith("_") ? /[\p{L}\p{N}_]/u.test(ch) : /[\p{L}\p{N}]/u.test(ch);
}
