// Row ids in callback data. A button's data comes back as Telegram has it — or as a forged update
// has it — so a handler only ever sees an id that can be one: 1 to 15 digits, a safe integer
// well inside PostgreSQL's bigint. Every pattern that carries an id uses ID, so data with a longer,
// negative or non-numeric "id" matches no handler and the fallback answers it as a stale button.

/** The capture group of an id in a callback data pattern. */
export const ID = String.raw`(\d{1,15})`;

const ID_ONLY = new RegExp(`^${ID}$`);

/** The id written in `text` (1 to 15 digits), or undefined if it cannot be one. */
export function idFrom(text: string | undefined): number | undefined {
  return text !== undefined && ID_ONLY.test(text) ? Number(text) : undefined;
}

/** A pattern of whole callback data, written raw, with ID where ids go: pattern`pay:check:${ID}`. */
export function pattern(strings: TemplateStringsArray, ...parts: string[]): RegExp {
  return new RegExp(`^${String.raw(strings, ...parts)}$`);
}
