// The users table: created on first contact, kept current with Telegram's profile fields, and
// the onboarding answers (consent, name, age, gender) written as soon as each is given.

import type { Queryable } from "../db/db.ts";
import type { StyleColumns } from "../style/settings.ts";

export type Gender = "female" | "male";

/** How a gender is named in Russian (profile card, prompts, onboarding). */
export const GENDER_NAMES: Readonly<Record<Gender, string>> = {
  female: "женский",
  male: "мужской",
};

export interface UserRecord {
  id: number;
  username: string | null;
  first_name: string | null;
  display_name: string | null;
  age: number | null;
  gender: Gender | null;
  source: string | null;
  created_at: Date;
  consent_at: Date | null;
  onboarded_at: Date | null;
  blocked_at: Date | null;
  /** Paid access lasts until this moment; null or past: the free tier. */
  subscription_until: Date | null;
  consent_version: string | null;
  /** Set while the user is in crisis mode (see src/safety/). */
  crisis_since: Date | null;
  /** Until then the assistants speak gently and nothing is counted (after a crisis). */
  gentle_until: Date | null;
}

export interface TelegramPerson {
  id: number;
  username?: string;
  first_name: string;
  last_name?: string;
  language_code?: string;
}

/** Changes whenever what the user agrees to changes; a user who agreed to another is asked again. */
export const CONSENT_VERSION = "2026-11-24.2";
export const AGE_MIN = 13;
export const AGE_MAX = 100;
export const NAME_MAX = 32;
/** The most words a name may have ("Анна Мария", "Жан-Поль де Ла"). */
export const NAME_WORDS = 3;

const COLUMNS = "id, username, first_name, display_name, age, gender, source, created_at, " +
  "consent_at, consent_version, onboarded_at, blocked_at, subscription_until, crisis_since, gentle_until";

/** Creates the user on first contact or refreshes their Telegram fields; `inserted` tells which. */
export async function touchUser(
  db: Queryable,
  p: TelegramPerson,
  now: Date,
): Promise<{ user: UserRecord; inserted: boolean }> {
  const [row] = await db.query<UserRecord & { inserted: boolean }>(
    `INSERT INTO users (id, username, first_name, last_name, language_code, created_at,
                        updated_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $6)
     ON CONFLICT (id) DO UPDATE SET
       username = excluded.username, first_name = excluded.first_name,
       last_name = excluded.last_name, language_code = excluded.language_code,
       last_seen_at = excluded.last_seen_at, blocked_at = NULL
     RETURNING ${COLUMNS}, (xmax = 0) AS inserted`,
    [p.id, p.username ?? null, p.first_name, p.last_name ?? null, p.language_code ?? null, now],
  );
  const { inserted, ...user } = row!;
  return { user, inserted };
}

/** The user's record with the Telegram fields touchUser keeps current (to tell when it must). */
export interface KnownUser extends UserRecord {
  last_name: string | null;
  language_code: string | null;
}

/**
 * The user's record (undefined for a new user), the chat's dialog state (undefined: none) and the
 * user's answer style as stored (undefined: never chosen), in one statement: the read every update
 * of a private chat starts with.
 */
export async function readUserAndState(
  db: Queryable,
  id: number,
  stateKey: string,
): Promise<{ user?: KnownUser; state?: unknown; style?: StyleColumns }> {
  const [row] = await db.query<
    KnownUser & { state: unknown; has_style: boolean } & StyleAs
  >(
    `SELECT ${COLUMNS.split(", ").map((c) => `u.${c}`).join(", ")}, u.last_name,
       u.language_code, s.data AS state, st.user_id IS NOT NULL AS has_style,
       st.tone AS style_tone, st.personality AS style_personality, st.length AS style_length
     FROM (SELECT 1) AS one
       LEFT JOIN users u ON u.id = $1
       LEFT JOIN aiogram_states s ON s.key = $2
       LEFT JOIN user_settings st ON st.user_id = $1`,
    [id, stateKey],
  );
  if (!row) return {};
  const { state, has_style, style_tone, style_personality, style_length, ...user } = row;
  return {
    user: user.id === null ? undefined : user,
    state: state ?? undefined,
    style: has_style
      ? { tone: style_tone, personality: style_personality, length: style_length }
      : undefined,
  };
}

interface StyleAs {
  style_tone: unknown;
  style_personality: unknown;
  style_length: unknown;
}

/** Whether the stored record already says what Telegram says of the person now. */
export function isCurrent(user: KnownUser, p: TelegramPerson): boolean {
  return user.blocked_at === null && user.username === (p.username ?? null) &&
    user.first_name === p.first_name && user.last_name === (p.last_name ?? null) &&
    user.language_code === (p.language_code ?? null);
}

export async function getUser(db: Queryable, id: number): Promise<UserRecord | undefined> {
  const [row] = await db.query<UserRecord>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return row;
}

/** Records consent once; a second tap changes nothing. */
export async function recordConsent(db: Queryable, id: number, now: Date): Promise<void> {
  await db.query(
    `UPDATE users SET consent_at = $2, consent_version = $3, updated_at = $2
     WHERE id = $1 AND consent_at IS NULL`,
    [id, now, CONSENT_VERSION],
  );
}

/** Keeps the first source (deep-link payload) that brought the user. */
export async function recordSource(db: Queryable, id: number, source: string): Promise<void> {
  await db.query("UPDATE users SET source = $2 WHERE id = $1 AND source IS NULL", [id, source]);
}

export type ProfileField =
  | { field: "display_name"; value: string }
  | { field: "age"; value: number | null }
  | { field: "gender"; value: Gender | null };

export async function setProfileField(db: Queryable, id: number, f: ProfileField, now: Date) {
  // The column name comes from the closed ProfileField union, never from input.
  await db.query(`UPDATE users SET ${f.field} = $2, updated_at = $3 WHERE id = $1`, [
    id,
    f.value,
    now,
  ]);
}

/** Marks onboarding finished; true only the first time. */
export async function finishOnboarding(db: Queryable, id: number, now: Date): Promise<boolean> {
  const rows = await db.query(
    "UPDATE users SET onboarded_at = $2 WHERE id = $1 AND onboarded_at IS NULL RETURNING id",
    [id, now],
  );
  return rows.length > 0;
}

/** The user blocked the bot (true) or came back (false); true when this changed anything. */
export async function setBlocked(db: Queryable, id: number, blocked: boolean, now: Date) {
  const rows = blocked
    ? await db.query(
      "UPDATE users SET blocked_at = $2 WHERE id = $1 AND blocked_at IS NULL RETURNING id",
      [id, now],
    )
    : await db.query(
      "UPDATE users SET blocked_at = NULL WHERE id = $1 AND blocked_at IS NOT NULL RETURNING id",
      [id],
    );
  return rows.length > 0;
}

/**
 * Days the user was active and messages written; `unwritten`: activity counted but not written
 * yet (the day's tally), added in.
 */
export async function usageCounts(
  db: Queryable,
  id: number,
  unwritten: { dates: string[]; messages: number } = { dates: [], messages: 0 },
) {
  const [row] = await db.query<{ days: number; messages: number }>(
    `SELECT (SELECT count(*) FROM (
               SELECT date FROM user_activity_day WHERE user_id = $1
               UNION SELECT unnest($2::date[])) d)::int AS days,
       (coalesce((SELECT sum(messages) FROM user_activity_day WHERE user_id = $1), 0)
         + $3)::int AS messages`,
    [id, unwritten.dates, unwritten.messages],
  );
  return row ?? { days: 0, messages: 0 };
}

/**
 * Validates a name typed by the user (or Telegram's first name offered as one); returns the
 * cleaned name or undefined when it is not a name: too long, more than NAME_WORDS words, a
 * command, a link or an @mention, markup or brackets, no letter at all (digits only), letters of
 * two scripts in one word (look-alike tricks), or words that address the model («игнорируй»,
 * «prompt», …). What passes is only ever given to the model as data (src/llm/prompts.ts).
 */
export function cleanName(text: string): string | undefined {
  // deno-lint-ignore no-control-regex -- control characters are what we strip
  const name = text.replace(/[\u0000-\u001f\u007f]/g, " ").replace(/\s+/g, " ").trim();
  if (name.length < 1 || [...name].length > NAME_MAX || name.startsWith("/")) return undefined;
  if (name.split(" ").length > NAME_WORDS || !NAME_CHARS.test(name)) return undefined;
  if (!/[\p{L}\p{Extended_Pictographic}]/u.test(name) || LINK.test(name)) return undefined;
  if (name.split(/[ .\-‐‑–—]/).some(mixedScripts)) return undefined;
  const folded = name.toLowerCase().replaceAll("ё", "е");
  return NOT_A_NAME.test(folded) ? undefined : name;
}

// Letters with their combining marks, digits (with letters), spaces, hyphens and dashes,
// apostrophes and a dot (initials), and emoji with their joiners, modifiers and flags.
const NAME_CHARS = new RegExp(
  "^(?:[\\p{L}\\p{M}\\p{N} .'’ʼ\\-‐‑–—]|\\p{Extended_Pictographic}|\\p{Emoji_Modifier}|" +
    "\\p{Regional_Indicator}|\\u200d|\\ufe0f|\\u20e3)+$",
  "u",
);
// A domain ("t.me", "vk.com") or a scheme; "/", ":" and "@" are not name characters anyway.
const LINK = /[\p{L}\p{N}]\.\p{L}{2,}|(^|[^\p{L}])(www|https?)([^\p{L}]|$)/iu;
// Words that speak to the model, not about a person (lower case, ё as е).
const NOT_A_NAME = new RegExp(
  "игнор|ignor|инструкц|instruct|систем|system|промпт|prompt|забуд|forget|ассистент|" +
    "assistant|притвор|pretend|jailbreak|джейлбрейк|developer|отвечай|ответь|respond|override|" +
    "ты теперь|теперь ты|you are|you're",
  "u",
);

function mixedScripts(word: string): boolean {
  return /\p{Script=Latin}/u.test(word) && /\p{Script=Cyrillic}/u.test(word);
}

/** Reads a gender typed instead of tapped ("женский", "м", "мужчина"); undefined if unclear. */
export function parseGender(text: string): Gender | undefined {
  const t = text.trim().toLowerCase().replace(/[.!]+$/, "");
  if (/^(ж|жен|женский|женщина|девушка|female|f)$/.test(t)) return "female";
  if (/^(м|муж|мужской|мужчина|парень|male|m)$/.test(t)) return "male";
  return undefined;
}

/** Parses an age typed by the user ("30", "30 лет"); undefined when not a sane age. */
export function parseAge(text: string): number | undefined {
  const m = /^\s*(\d{1,3})\s*(лет|год|года|y|yo|years)?\.?\s*$/i.exec(text);
  if (!m) return undefined;
  const age = Number(m[1]);
  return age >= AGE_MIN && age <= AGE_MAX ? age : undefined;
}
