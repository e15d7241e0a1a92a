// The three triage tiers, ordered by severity, and where a message was written.

export type Tier = "acute" | "concern" | "none";
export type Place = "helper" | "soulsleep" | "quiz";

/** Severity of each tier, for comparing them. */
export const RANK: Readonly<Record<Tier, number>> = { none: 0, concern: 1, acute: 2 };

export function maxTier(...tiers: Tier[]): Tier {
  return tiers.reduce((a, b) => RANK[b] > RANK[a] ? b : a, "none");
}

export function minTier(a: Tier, b: Tier): Tier {
  return RANK[a] <= RANK[b] ? a : b;
}
