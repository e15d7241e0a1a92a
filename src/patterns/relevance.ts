// Which patterns go into an assistant's prompt. Only for a personal or emotional message (a cheap
// word check: a factual question gets no patterns), at most MAX_PATTERNS, ranked by how often and
// how surely they were seen, how recently (90-day half-life) and how much they share words with
// the message; each with at most MAX_QUOTES quotes, everything truncated.

import { activePatterns, cut, type Pattern } from "./profile.ts";
import { stems } from "./similarity.ts";

export const MAX_PATTERNS = 5;
export const MAX_QUOTES = 3;
const QUOTE_CHARS = 120;
const DESCRIPTION_CHARS = 200;
const HALF_LIFE_DAYS = 90;

// First person (Russian and English) and stems of feeling, relationships and inner life.
const FIRST_PERSON = new RegExp(
  "(^|[^\\p{L}])(я|мне|меня|мной|мой|моя|мое|мои|моих|моему|моей|моим|себя|себе|собой|сама|" +
    "сам|i|i'm|im|me|my|myself)(?=[^\\p{L}']|$)",
  "u",
);
const FEELINGS = new RegExp(
  "чувств|ощущ|пережив|волну|тревог|страх|боюсь|стыд|вина|винов|обид|злю|злит|злост|гнев|" +
    "бесит|раздраж|груст|печал|тоск|плак|слез|одино|устал|выгор|апати|нет сил|радост|счаст|" +
    "люблю|любов|ненави|ревн|отношен|ссор|расст|развод|мама|папа|родител|муж|жена|парн|" +
    "девушк|друз|подруг|начальн|коллег|снил|снит|сон|сны|кошмар|feel|anxious|afraid|sad|" +
    "angry|lonely|tired|stress",
  "u",
);

/** Whether patterns are worth adding: the message is about the person, not a plain fact. */
export function isPersonal(message: string): boolean {
  const text = message.toLowerCase().replaceAll("ё", "е");
  return FIRST_PERSON.test(text) || FEELINGS.test(text);
}

function score(p: Pattern, words: Set<string>, now: Date): number {
  const ageDays = (now.getTime() - Date.parse(p.last_detected)) / 86_400_000;
  const freshness = Math.pow(0.5, Math.max(0, ageDays) / HALF_LIFE_DAYS);
  let shared = 0;
  for (const s of stems(`${p.title} ${p.description} ${p.tags.join(" ")}`)) {
    if (words.has(s)) shared++;
  }
  return p.confidence * (1 + Math.log(p.occurrences)) * freshness + 0.3 * Math.min(shared, 3);
}

/** The lines the prompt shows, or none when the message is not personal. */
export function patternsForPrompt(patterns: Pattern[], message: string, now: Date): string[] {
  if (!isPersonal(message)) return [];
  const words = stems(message);
  return activePatterns({ patterns })
    .map((p) => ({ p, s: score(p, words, now) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, MAX_PATTERNS)
    .map(({ p }) => {
      const quotes = p.evidence.slice(-MAX_QUOTES).map((q) => `«${cut(q, QUOTE_CHARS)}»`);
      return `${p.title} — ${cut(p.description, DESCRIPTION_CHARS)}` +
        (quotes.length ? ` Слова человека: ${quotes.join("; ")}` : "");
    });
}
