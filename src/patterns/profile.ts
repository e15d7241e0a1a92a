// The psychological profile's shapes: patterns (with their evidence in the user's own words),
// insights and the current emotional state, as stored in user_profiles and shown in /my_profile.

export type PatternType = "behavioral" | "emotional" | "cognitive";
export const PATTERN_TYPES: readonly PatternType[] = ["behavioral", "emotional", "cognitive"];

export type Level = "low" | "medium" | "high";
export type Stress = Level | "critical";

export interface Pattern {
  id: string;
  type: PatternType;
  /** Russian, as the model or the quiz wrote it (trimmed and cut, never otherwise rewritten). */
  title: string;
  description: string;
  /** Exact quotes from the user's messages (or quiz answers), newest last. */
  evidence: string[];
  /** 0..1 */
  confidence: number;
  tags: string[];
  occurrences: number;
  source: "chat" | "quiz";
  status: "active" | "retired";
  first_detected: string;
  last_detected: string;
}

export interface Insight {
  title: string;
  text: string;
  recommendation: string;
  created_at: string;
}

export interface EmotionalState {
  mood: string;
  stress: Stress;
  energy: Level;
  updated_at: string;
}

export interface Profile {
  patterns: Pattern[];
  insights: Insight[];
  emotional_state: EmotionalState | null;
}

/** A pattern found by an analysis or a quiz, before it is merged into the profile. */
export type Candidate = Pick<
  Pattern,
  "type" | "title" | "description" | "evidence" | "confidence" | "tags" | "source"
>;

export const LIMITS = {
  activePatterns: 20,
  retiredPatterns: 30,
  evidence: 10,
  tags: 8,
  insights: 5,
  title: 80,
  description: 400,
  quote: 300,
} as const;

export function activePatterns(p: Pick<Profile, "patterns">): Pattern[] {
  return p.patterns.filter((x) => x.status === "active");
}

/** Cuts text to at most `max` characters at a word boundary, with an ellipsis when cut. */
export function cut(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  if (t.length <= max) return t;
  const head = t.slice(0, max - 1);
  const space = head.lastIndexOf(" ");
  return (space > max * 0.6 ? head.slice(0, space) : head).replace(/[\s,.;:—-]+$/, "") + "…";
}
