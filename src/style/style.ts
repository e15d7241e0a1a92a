// Answer style options (tone, personality, length) with their Russian names and the defaults a
// new user gets: дружелюбный / друг / средне.

export const TONES = {
  formal: "формальный",
  friendly: "дружелюбный",
  ironic: "ироничный",
  motivating: "мотивирующий",
} as const;

export const PERSONALITIES = {
  mentor: "наставник",
  friend: "друг",
  coach: "коуч",
} as const;

export const LENGTHS = {
  brief: "кратко",
  medium: "средне",
  detailed: "подробно",
} as const;

export type Tone = keyof typeof TONES;
export type Personality = keyof typeof PERSONALITIES;
export type Length = keyof typeof LENGTHS;

export interface Style {
  tone: Tone;
  personality: Personality;
  length: Length;
}

export const DEFAULT_STYLE: Readonly<Style> = Object.freeze({
  tone: "friendly",
  personality: "friend",
  length: "medium",
});

export function describeStyle(s: Style): string {
  return `${TONES[s.tone]} · ${PERSONALITIES[s.personality]} · ${LENGTHS[s.length]}`;
}
