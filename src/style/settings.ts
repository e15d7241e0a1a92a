// A user's answer style in user_settings: read with the defaults for a user who never chose, and
// changed one setting at a time by an atomic upsert, so repeated or racing changes are safe.

import type { Queryable } from "../db/db.ts";
import {
  DEFAULT_STYLE,
  type Length,
  LENGTHS,
  PERSONALITIES,
  type Personality,
  type Style,
  type Tone,
  TONES,
} from "./style.ts";

export type StyleChange =
  | { key: "tone"; value: Tone }
  | { key: "personality"; value: Personality }
  | { key: "length"; value: Length };

export type StyleKey = StyleChange["key"];

export function isTone(value: unknown): value is Tone {
  return typeof value === "string" && Object.hasOwn(TONES, value);
}

export function isPersonality(value: unknown): value is Personality {
  return typeof value === "string" && Object.hasOwn(PERSONALITIES, value);
}

export function isLength(value: unknown): value is Length {
  return typeof value === "string" && Object.hasOwn(LENGTHS, value);
}

/** Whether `value` is an option of the setting `key`. */
export function isStyleValue(key: StyleKey, value: unknown): boolean {
  switch (key) {
    case "tone":
      return isTone(value);
    case "personality":
      return isPersonality(value);
    case "length":
      return isLength(value);
  }
}

// Column names come from this closed map only, never from input.
const COLUMNS: Readonly<Record<StyleKey, string>> = {
  tone: "tone",
  personality: "personality",
  length: "length",
};

/** user_settings' style columns as stored (unknown: checked, an unknown value reads as the default). */
export interface StyleColumns {
  tone: unknown;
  personality: unknown;
  length: unknown;
}

/** The style a row says; the defaults (дружелюбный / друг / средне) for no row or a stale value. */
export function styleFrom(row: StyleColumns | undefined): Style {
  return {
    tone: isTone(row?.tone) ? row.tone : DEFAULT_STYLE.tone,
    personality: isPersonality(row?.personality) ? row.personality : DEFAULT_STYLE.personality,
    length: isLength(row?.length) ? row.length : DEFAULT_STYLE.length,
  };
}

/** The user's style; the defaults when nothing was chosen. */
export async function getStyle(db: Queryable, userId: number): Promise<Style> {
  const [row] = await db.query<StyleColumns>(
    "SELECT tone, personality, length FROM user_settings WHERE user_id = $1",
    [userId],
    { idempotent: true },
  );
  return styleFrom(row);
}

/**
 * Sets one setting; the other two keep their values (the defaults for a new row). Returns the
 * style as it is now, so the screen that follows needs no second read.
 */
export async function setStyle(
  db: Queryable,
  userId: number,
  change: StyleChange,
): Promise<Style> {
  if (!isStyleValue(change.key, change.value)) {
    throw new Error(`Unknown ${change.key} ${String(change.value)}`);
  }
  const column = COLUMNS[change.key];
  const [row] = await db.query<StyleColumns>(
    `INSERT INTO user_settings (user_id, ${column}) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET ${column} = excluded.${column}, updated_at = now()
     RETURNING tone, personality, length`,
    [userId, change.value],
    { idempotent: true },
  );
  return styleFrom(row);
}
