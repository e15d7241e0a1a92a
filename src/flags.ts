// Feature flags: on, off, or a percentage rollout that is stable per Telegram user, so a user
// does not flip between variants from one message to the next.

export type Flag = { mode: "on" } | { mode: "off" } | { mode: "percent"; percent: number };

/** The accepted forms, for error messages. */
export const FLAG_FORMS = "true, false or a percentage like 25% (on/off, yes/no and 1/0 also work)";

/** Config flag key → environment variable (also the flag name hashed for rollouts). */
export const FLAG_NAMES = {
  useChatCompletion: "USE_CHAT_COMPLETION",
  enableStyleSettings: "ENABLE_STYLE_SETTINGS",
  enablePatternAnalysis: "ENABLE_PATTERN_ANALYSIS",
  enableAdaptiveQuiz: "ENABLE_ADAPTIVE_QUIZ",
} as const;
export type FlagKey = keyof typeof FLAG_NAMES;

const ON = new Set(["true", "on", "1", "yes"]);
const OFF = new Set(["false", "off", "0", "no"]);
const BUCKETS = 10_000;

/** Parses `true|false|on|off|1|0|yes|no` or `N%` (0..100, decimals allowed); else undefined. */
export function parseFlag(raw: string): Flag | undefined {
  const text = raw.trim().toLowerCase();
  if (ON.has(text)) return { mode: "on" };
  if (OFF.has(text)) return { mode: "off" };
  const match = /^(\d{1,3}(?:\.\d+)?)\s*%$/.exec(text);
  if (!match?.[1]) return undefined;
  const percent = Number(match[1]);
  if (!Number.isFinite(percent) || percent > 100) return undefined;
  return percent === 0 ? { mode: "off" } : { mode: "percent", percent };
}

/**
 * Whether the flag is on for this user. A percentage puts the user in one of 10 000 buckets by
 * hashing `flagName:userId`, so each flag rolls out to an independent, stable set of users.
 * Without a user id a percentage flag is off unless it is 100%. For a config flag use flagOn,
 * which supplies the name.
 */
export function isEnabled(flag: Flag, flagName: string, userId?: number): boolean {
  switch (flag.mode) {
    case "on":
      return true;
    case "off":
      return false;
    case "percent":
      if (flag.percent >= 100) return true;
      if (userId === undefined) return false;
      return rolloutBucket(flagName, userId) < Math.round(flag.percent * (BUCKETS / 100));
  }
}

/**
 * Whether flag `key` of `flags` (config.flags, or any object holding that flag) is on for this
 * user, rolled out under the flag's own variable name: `flagOn(flags, "enableAdaptiveQuiz", id)`.
 */
export function flagOn<K extends FlagKey>(
  flags: { readonly [P in NoInfer<K>]: Flag },
  key: K,
  userId?: number,
): boolean {
  return isEnabled(flags[key], FLAG_NAMES[key], userId);
}

/** Every flag as one user sees it (on the bot's context as `ctx.flags`). */
export type UserFlags = { readonly [K in FlagKey]: boolean };

/** The per-user view of `flags`: each flag rolled out under its own variable name. */
export function flagsFor(flags: { readonly [K in FlagKey]: Flag }, userId: number): UserFlags {
  const keys = Object.keys(FLAG_NAMES) as FlagKey[];
  return Object.fromEntries(keys.map((k) => [k, flagOn(flags, k, userId)])) as UserFlags;
}

/** "on", "off" or the percentage, e.g. "25%". */
export function describeFlag(flag: Flag): string {
  return flag.mode === "percent" ? `${flag.percent}%` : flag.mode;
}

/** The user's bucket 0..9999 for a flag. */
export function rolloutBucket(flagName: string, userId: number): number {
  return stableHash(`${flagName}:${userId}`) % BUCKETS;
}

const encoder = new TextEncoder();

// FNV-1a (32-bit) followed by the murmur3 finaliser: FNV alone mixes the low bits of short,
// nearly equal strings (consecutive ids) poorly. Never change this: it would reshuffle rollouts.
function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
