// What a model call cost in USD, from a table of per-million-token prices (defaults below, or a
// JSON override from configuration).
import { z } from "zod";

/** model id → [USD per 1M input tokens, USD per 1M output tokens]. */
export type PriceTable = Readonly<Record<string, readonly [number, number]>>;

// OpenAI list prices (standard tier, uncached input); they change, so keep them current.
export const DEFAULT_PRICES: PriceTable = {
  "gpt-4o-mini": [0.15, 0.60],
  "gpt-4o": [2.50, 10.00],
  "gpt-4.1": [2.00, 8.00],
  "gpt-4.1-mini": [0.40, 1.60],
  "gpt-4.1-nano": [0.10, 0.40],
};

const price = z.number().nonnegative();
const tableSchema = z.record(z.string().min(1), z.tuple([price, price]));

/** Parse `{ "<model>": [input, output], ... }`; throws an Error naming the first problems. */
export function parsePriceTable(json: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`Invalid price table: not JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = tableSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => {
      const where = issue.path.length ? issue.path.map(String).join(".") : "table";
      return `${where}: ${issue.message}`;
    });
    throw new Error(
      `Invalid price table: ${problems.join("; ")} (expected {"<model>": [input, output]})`,
    );
  }
  return parsed.data;
}

/**
 * Cost in USD rounded to 6 decimals, or undefined for a model not in the table. A model id
 * missing from the table uses the longest entry it extends at a "-" (a dated snapshot such as
 * gpt-4o-mini-2024-07-18 → gpt-4o-mini).
 */
export function costUsd(
  table: PriceTable,
  model: string,
  inputTokens: number,
  outputTokens: number,
): number | undefined {
  // Object.hasOwn: an id like "constructor" must not reach Object.prototype.
  const key = Object.hasOwn(table, model) ? model : longestPrefix(table, model);
  const prices = key === undefined ? undefined : table[key];
  if (!prices) return undefined;
  const usd = (inputTokens * prices[0] + outputTokens * prices[1]) / 1_000_000;
  return Math.round(usd * 1e6) / 1e6;
}

function longestPrefix(table: PriceTable, model: string): string | undefined {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (model.startsWith(`${key}-`) && key.length > (best?.length ?? 0)) best = key;
  }
  return best;
}
