// Keeping secrets out of messages and summaries: which variables are secret, how a variable's
// value may be shown, and URLs with their passwords replaced by `***`.

/** Whether a variable holds a secret whose value must never be shown. */
export function isSecretName(name: string): boolean {
  return name === "DATABASE_URL" || /(^|_)(TOKEN|PASSWORD|KEY)$|(^|_)SECRET/.test(name);
}

/** `NAME="value"`, or just `NAME` for a secret. */
// A URL-shaped value may carry credentials even in a non-secret variable: redact them too.
export function show(name: string, value: string): string {
  if (isSecretName(name)) return name;
  const credentialed = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(value) ||
    /[?&][^=&]*(?:pass|key|token|secret)/i.test(value);
  return credentialed
    ? `${name} (a URL with credentials, not shown)`
    : `${name}=${JSON.stringify(value)}`;
}

/** The URL with any password (user info or `password=` parameter) replaced by `***`. */
export function redactUrl(text: string): string {
  if (!URL.canParse(text)) return text;
  const u = new URL(text);
  const creds = u.username ? `${u.username}${u.password ? ":***" : ""}@` : "";
  const path = u.pathname === "/" && !text.endsWith("/") ? "" : u.pathname;
  const query = u.search.replace(/([?&][^=&]*(?:pass|key|token|secret)[^=&]*=)[^&]*/gi, "$1***");
  return `${u.protocol}//${creds}${u.host}${path}${query}`;
}
