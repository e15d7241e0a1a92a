// Turns the Markdown chat models write into the HTML subset Telegram accepts, or into plain text
// for when Telegram rejects the HTML anyway. marked's lexer parses the Markdown; this file only
// walks its tokens, so every tag it writes is closed by construction and all text is escaped,
// including half-written Markdown while an answer streams. Splitting and shortening: split.ts.

import { Lexer, type MarkedToken, type Token, type Tokens } from "marked";
import { escapeAttr, escapeHtml } from "./escape.ts";

/** Where in the document a token is rendered. */
interface Scope {
  /** Tags open around this point: a nested **bold** adds no second <b>. */
  active: ReadonlySet<string>;
  /** Inside a <blockquote>: Telegram nests neither quotes nor <pre> in one. */
  quote: boolean;
  /** Inside an <a>: no links or <code> in a link. */
  link: boolean;
  /** Indentation of the list items rendered here (nested lists). */
  indent: string;
}

const TOP: Scope = { active: new Set(), quote: false, link: false, indent: "" };
const EMPHASIS = { strong: "b", em: "i", del: "s" } as const;
const BLANK_END = /\n[ \t]*\n[ \t]*$/;
const SETEXT_RULE = /^(?![ \t]*#)[\s\S]*\n[ \t]*-+[ \t]*\n?$/;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Converts model Markdown to Telegram HTML: all text escaped, every tag closed and nested. */
export function markdownToTelegramHtml(md: string): string {
  const text = md.replace(/\r\n?/g, "\n");
  try {
    return blocks(lex(text), TOP);
  } catch {
    // The lexer gave up (it throws rather than loop) or nesting outran the stack: plain text.
    return escapeHtml(text).replace(/\n{3,}/g, "\n\n").trim();
  }
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

/** GitHub-flavoured CommonMark; a fresh options object each time, as the Lexer writes into it. */
function lex(text: string): Token[] {
  return new Lexer({ gfm: true, breaks: false, pedantic: false, silent: false }).lex(text);
}

/** Block tokens one per line; a blank line (or a rule) in the source stays one blank line. */
function blocks(tokens: Token[], scope: Scope): string {
  let out = "";
  let blank = false;
  let prefix = ""; // a task item's checkbox, written before the item's first block
  for (const token of tokens) {
    if (token.type === "space" || token.type === "hr") {
      blank = true;
      continue;
    }
    if (token.type === "checkbox") {
      prefix = escapeHtml(token.raw);
      continue;
    }
    // Text over a line of dashes is a paragraph and a rule, as models mean it, not a heading.
    const ruled = token.type === "heading" && SETEXT_RULE.test(token.raw);
    const html = ruled
      ? inline(token.tokens ?? [], scope).trimEnd()
      : block(token as MarkedToken, scope);
    if (html.trim()) {
      if (out) out += blank ? "\n\n" : "\n";
      out += prefix + html;
      prefix = "";
      blank = false;
    }
    if (ruled || BLANK_END.test(token.raw)) blank = true;
  }
  return out;
}

function block(token: MarkedToken, scope: Scope): string {
  switch (token.type) {
    case "paragraph":
      return inline(token.tokens, scope).trimEnd();
    case "text": // the body of a tight list item
      return (token.tokens ? inline(token.tokens, scope) : escapeHtml(token.raw)).trimEnd();
    case "heading": {
      const html = wrap("b", scope, (inner) => inline(token.tokens, inner)).trim();
      return html || escapeHtml(token.raw.trim()); // a streamed "#" before its text
    }
    case "code":
      return code(token, scope);
    case "blockquote": {
      if (scope.quote) return blocks(token.tokens, scope);
      const body = blocks(token.tokens, { ...scope, quote: true, indent: "" });
      return body.trim() ? `<blockquote>${body}</blockquote>` : "";
    }
    case "list":
      return list(token, scope);
    case "table":
      return table(token, scope);
    default: // html blocks, link definitions: shown as written
      return escapeHtml(token.raw.trim());
  }
}

function code(token: Tokens.Code, scope: Scope): string {
  // Four-space indented text is rarely code in a chat answer: it stays text, as written.
  if (token.codeBlockStyle === "indented") {
    return inline(Lexer.lexInline(token.raw.trimEnd(), { gfm: true }), scope);
  }
  if (!token.text.trim()) return "";
  return scope.quote ? escapeHtml(token.text) : `<pre>${escapeHtml(token.text)}</pre>`;
}

/** Items as "• " or their own number ("3." / "3)"), nested lists indented under their text. */
function list(token: Tokens.List, scope: Scope): string {
  let out = "";
  let blank = false;
  for (const item of token.items) {
    const indent = scope.indent + (/^[ \t]*/.exec(item.raw)?.[0] ?? "");
    const number = token.ordered ? /^[ \t]*(\d{1,9}[.)])/.exec(item.raw)?.[1] : undefined;
    const marker = number ?? "•";
    const inner = { ...scope, indent: indent + " ".repeat(marker.length + 1) };
    // A list that opens the item starts on the marker's line, not indented under it.
    const body = blocks(item.tokens, inner).replace(/^[ \t]+/, "");
    if (out) out += blank ? "\n\n" : "\n";
    // An item with nothing in it yet (a streamed "- " or "*") shows its marker as written.
    out += body ? `${indent}${marker} ${body}` : indent + escapeHtml(item.raw.trim());
    blank = BLANK_END.test(item.raw);
  }
  return out;
}

/** A table as lines of cells between " | ", the header row bold. */
function table(token: Tokens.Table, scope: Scope): string {
  const row = (cells: Tokens.TableCell[], s: Scope) =>
    cells.map((cell) => inline(cell.tokens, s).trim()).join(" | ");
  const head = wrap("b", scope, (inner) => row(token.header, inner));
  return [head, ...token.rows.map((cells) => row(cells, scope))].join("\n");
}

function inline(tokens: Token[], scope: Scope): string {
  let out = "";
  tokens.forEach((token, i) => {
    out += span(token as MarkedToken, scope, tokens[i - 1], tokens[i + 1]);
  });
  return out;
}

function span(token: MarkedToken, scope: Scope, before?: Token, after?: Token): string {
  switch (token.type) {
    case "text":
      if (token.tokens) return inline(token.tokens, scope);
      // As written: marked's `text` decodes numeric references (&#60;), the raw does not.
      return escapeHtml(token.raw.replace(/[ \t]+\n/g, "\n"));
    case "escape":
      return escapeHtml(token.text);
    case "codespan": {
      const text = escapeHtml(token.text.trim() || token.text);
      return scope.link ? text : `<code>${text}</code>`;
    }
    case "br":
      return "\n";
    case "strong":
    case "em":
    case "del":
      return emphasis(token, scope, before, after);
    case "link":
      return link(token, scope);
    case "image":
      return image(token, scope);
    default: // inline HTML, checkboxes of loose task items: text as written
      return escapeHtml(token.raw);
  }
}

function emphasis(
  token: Tokens.Strong | Tokens.Em | Tokens.Del,
  scope: Scope,
  before?: Token,
  after?: Token,
): string {
  const marker = token.raw[0] ?? "";
  const delimiter = token.type === "em" || token.raw[1] !== marker ? marker : marker + marker;
  // Stars inside a word (2*3*4) and a single tilde (~5 минут) are not emphasis in model text.
  const inWord = marker === "*" &&
    (WORD_CHAR.test(before?.raw.at(-1) ?? "") || WORD_CHAR.test(after?.raw[0] ?? ""));
  if (inWord || (token.type === "del" && delimiter === "~")) {
    return escapeHtml(delimiter) + inline(token.tokens, scope) + escapeHtml(delimiter);
  }
  const only = token.tokens.length === 1 ? token.tokens[0] : undefined;
  if (token.type === "em" && only?.type === "strong") {
    // ***both*** lexes as <em><strong>; bold stays the outer tag.
    const children = (only as Tokens.Strong).tokens;
    return wrap("b", scope, (bold) => wrap("i", bold, (both) => inline(children, both)));
  }
  return wrap(EMPHASIS[token.type], scope, (inner) => inline(token.tokens, inner));
}

/** Renders `body` inside `tag` unless that tag is already open; no empty tags. */
function wrap(tag: string, scope: Scope, body: (inner: Scope) => string): string {
  if (scope.active.has(tag)) return body(scope);
  const html = body({ ...scope, active: new Set([...scope.active, tag]) });
  return html.trim() ? `<${tag}>${html}</${tag}>` : html;
}

function link(token: Tokens.Link, scope: Scope): string {
  // A bare or <angle> URL stays text: Telegram links it by itself.
  if (!token.raw.startsWith("[")) return escapeHtml(token.text);
  // Only web links become <a>; javascript:, relative and other links stay as written.
  if (scope.link || !/^https?:\/\/\S/i.test(token.href)) return escapeHtml(token.raw);
  const body = inline(token.tokens, { ...scope, link: true }).trim();
  return `<a href="${escapeAttr(token.href)}">${body || escapeHtml(token.href)}</a>`;
}

/** An image is a link to it, labelled with its description. */
function image(token: Tokens.Image, scope: Scope): string {
  if (scope.link || !/^https?:\/\/\S/i.test(token.href)) return escapeHtml(token.raw);
  return `<a href="${escapeAttr(token.href)}">${escapeHtml(token.text || token.href)}</a>`;
}
