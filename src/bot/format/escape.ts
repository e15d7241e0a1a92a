// HTML escaping for Telegram's parse_mode HTML: the one place every piece of user-provided or
// model-written text goes through before it is put between tags.

/** Escapes text for an HTML text node: &, < and > (Telegram needs no other entity). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escapes text for a double-quoted attribute value, e.g. the href of a link. */
export function escapeAttr(text: string): string {
  return escapeHtml(text).replace(/"/g, "&quot;");
}
