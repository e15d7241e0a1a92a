// Text normalisation for the crisis analyser: one message becomes sentences of aligned tokens in
// two views, "ru" (Latin words transliterated) and "en" (Latin words kept), ready for the lexicon.

/** One sentence: the same tokens spelled for Russian patterns and for English ones. */
export interface Sentence {
  ru: string[];
  en: string[];
  /** Inside quotation marks: someone's words, maybe not the writer's. */
  quoted: boolean;
  /** Clause number of each token (commas and "но"/"but" separate clauses). */
  clauses: number[];
}

const BREAK = /[.!?…;\n\r()]/;
const OPEN = "«“„";
const CLOSE = "»”";
const SINGLE_QUOTED = /(^|[\s(])['‘]([^'‘’"\n]{2,80}?)['’](?=[\s.,!?;:)]|$)/g;

/** Sentences and clauses, remembering which were quoted. */
function split(text: string): { text: string; quoted: boolean }[] {
  const out: { text: string; quoted: boolean }[] = [];
  let cur = "";
  let quoted = false;
  const flush = () => {
    if (cur.trim() !== "") out.push({ text: cur, quoted });
    cur = "";
  };
  // A dash is a copula or a pause («смерть — единственный выход»), not a sentence end.
  for (const ch of text.replace(/\s[-—–]\s|[—–]/g, " ")) {
    if (OPEN.includes(ch) || (ch === '"' && !quoted)) {
      flush();
      quoted = true;
    } else if (CLOSE.includes(ch) || ch === '"') {
      flush();
      quoted = false;
    } else if (BREAK.test(ch)) flush();
    else cur += ch;
  }
  flush();
  return out;
}

// Latin letters that look like Cyrillic ones, used to dodge filters ("cуицид" with a Latin c).
const LOOKALIKE: Readonly<Record<string, string>> = {
  a: "а",
  b: "в",
  c: "с",
  e: "е",
  h: "н",
  i: "и",
  k: "к",
  m: "м",
  n: "п",
  o: "о",
  p: "р",
  r: "г",
  t: "т",
  u: "и",
  x: "х",
  y: "у",
};

// Digits used as letters inside words ("ub1t seb9", "4to", "3ачем", "у6ью").
const DIGIT_RU: Readonly<Record<string, string>> = {
  "0": "о",
  "1": "и",
  "3": "з",
  "4": "ч",
  "6": "б",
  "8": "в",
  "9": "я",
};
const DIGIT_LATIN: Readonly<Record<string, string>> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "ch",
  "5": "s",
  "6": "b",
  "7": "t",
  "9": "ya",
};
const DIGIT_EN: Readonly<Record<string, string>> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
};

// Transliteration of Russian written in Latin letters; longest sequences first.
const TRANSLIT: ReadonlyArray<readonly [string, string]> = [
  ["shch", "щ"],
  ["tsya", "тся"],
  ["tsia", "тся"],
  ["sch", "щ"],
  ["zh", "ж"],
  ["kh", "х"],
  ["ch", "ч"],
  ["sh", "ш"],
  ["ts", "ц"],
  ["tz", "ц"],
  ["yu", "ю"],
  ["iu", "ю"],
  ["ju", "ю"],
  ["ya", "я"],
  ["ia", "я"],
  ["ja", "я"],
  ["yo", "е"],
  ["jo", "е"],
  ["ye", "е"],
  ["a", "а"],
  ["b", "б"],
  ["c", "ц"],
  ["d", "д"],
  ["e", "е"],
  ["f", "ф"],
  ["g", "г"],
  ["h", "х"],
  ["i", "и"],
  ["j", "и"],
  ["k", "к"],
  ["l", "л"],
  ["m", "м"],
  ["n", "н"],
  ["o", "о"],
  ["p", "п"],
  ["q", "к"],
  ["r", "р"],
  ["s", "с"],
  ["t", "т"],
  ["u", "у"],
  ["v", "в"],
  ["w", "в"],
  ["x", "кс"],
  ["y", "ы"],
  ["z", "з"],
];
const VOWELS_RU = "аеиоуыэюя";

/** Russian reading of a Latin word: "pokonchit" → "покончит", "soboi" → "собои". */
export function transliterate(word: string): string {
  let out = "";
  let i = 0;
  while (i < word.length) {
    const pair = TRANSLIT.find(([lat]) => word.startsWith(lat, i));
    if (!pair) {
      out += word[i];
      i++;
      continue;
    }
    // "y" after a vowel is "й", which the analyser folds into "и" ("soboy" → "собои").
    const cyr = pair[0] === "y" && VOWELS_RU.includes(out.at(-1) ?? "") ? "и" : pair[1];
    out += cyr;
    i += pair[0].length;
  }
  return out;
}

// Common English words that transliterated Russian never uses: their presence marks English.
const ENGLISH = new Set(
  ("the and you your is are was were that this with have has what just want wanna dont im ive its " +
    "it of for be been will would can cant not all anymore feel like myself because about my me am")
    .split(" "),
);

const CYR = /[а-я]/;
const LAT = /[a-z]/;
const NOT_LOOKALIKE = /[dfgjlqsvwz]/;

function count(word: string, re: RegExp): number {
  let n = 0;
  for (const ch of word) if (re.test(ch)) n++;
  return n;
}

// "3" inside a Cyrillic word is "е" between consonants ("ум3р3ть"), otherwise "з" ("3ачем").
const CONSONANT = /[бвгджзклмнпрстфхцчшщ]/;

function digitsRu(word: string): string {
  return word.replace(/\d/g, (d, i: number) => {
    const next = word[i + 1];
    if (
      d === "3" && CONSONANT.test(word[i - 1] ?? "") && (next === undefined || CONSONANT.test(next))
    ) {
      return "е";
    }
    return DIGIT_RU[d] ?? d;
  });
}

/** The word's Russian and English spellings (same token in both views). */
function spell(word: string, cyrillicText: boolean, english: boolean): [string, string] {
  const cyr = count(word, CYR);
  const lat = count(word, LAT);
  const odd = count(word, NOT_LOOKALIKE);
  const digits = /\d/.test(word) && /\p{L}/u.test(word);
  // In a Russian message a Latin word made only of look-alikes is Cyrillic too ("c coбoй").
  if ((cyr > 0 && cyr >= odd) || (cyrillicText && lat > 0 && odd === 0 && cyr === 0)) {
    let w = word.replace(/[a-z]/g, (ch) => LOOKALIKE[ch] ?? ch);
    if (digits) w = digitsRu(w);
    w = collapse(w.replace(/[a-z]+/g, transliterate));
    // An English word among Russian ones ("опять cut myself") stays English for English patterns.
    return [w, cyr === 0 && !digits ? collapse(word) : w];
  }
  if (lat > 0) {
    const ru = digits
      ? word.replace(/(?<=[aeiouy])1(?=[aeiouy])/g, "l").replace(/\d/g, (d) => DIGIT_LATIN[d] ?? d)
      : word;
    const en = collapse(digits ? word.replace(/\d/g, (d) => DIGIT_EN[d] ?? d) : word);
    // In an English message Latin words are English: "on" must not read as «он».
    return [english ? en : collapse(transliterate(collapse(ru))), en];
  }
  return [word, word];
}

/** Letters stretched three times or more count once ("хочууу" → "хочу", "sooo" → "so"). */
function collapse(word: string): string {
  return word.replace(/(\p{L})\1{2,}/gu, "$1");
}

// Laughter written as brackets or emoji reads as a word, so the joke frame can see it.
const LAUGH =
  /(?:\){2,}|[😂🤣😆😹😅😁😄😜]|(?<![\p{L}])(?:xd+|хд+)(?![\p{L}])|\s)*(?:\){2,}|[😂🤣😆😹😅😁😄😜]|(?<![\p{L}])(?:xd+|хд+)(?![\p{L}]))/gu;

// Single letters split by spaces, dots or dashes: «у м е р е т ь», «с.у.и.ц.и.д», "d.i.e".
const SPACED =
  /(?<![\p{L}\p{N}])[\p{L}\d@$](?:[ .\-_*·,]+[\p{L}\d@$](?![\p{L}\p{N}])){2,}[.\-_*·]?/gu;

// Joins spaced letters. Where most gaps are dots the letters are dotted and a space separates
// the words; otherwise two spaces do, and a gap with a full stop or comma keeps it as a break.
function joinSpaced(run: string): string {
  const gaps = run.match(/[^\p{L}\d@$]+/gu) ?? [];
  const dotted = gaps.filter((g) => /[.\-_*·,]/.test(g) && !/\s/.test(g)).length * 2 >= gaps.length;
  const letters = run.replace(/[^\p{L}\d@$]/gu, "");
  if (!dotted && letters.length < 4 && !/^[a-z]+$/.test(letters)) return run;
  const joined = run.replace(/[^\p{L}\d@$]+/gu, (g) => {
    if (dotted) return /\s/.test(g) ? " " : "";
    const stop = /[.,]/.test(g) && /\s/.test(g) ? g.replace(/[^.,]/g, "").slice(0, 1) : "";
    return stop ? ` ${stop} ` : /\s{2,}/.test(g) ? " " : "";
  });
  return " " + joined + " ";
}

// Syllables split by hyphens or dots to dodge a filter («таб-ле-ток», «таб.ле.ток»): three or
// more short parts.
const HYPHENATED = /(?<![\p{L}\d.-])\p{L}{1,4}(?:[-.]\p{L}{2,4}){2,}(?![\p{L}\d-])/gu;

// An asterisk for a letter ("k*ll", "su*cide"): the letter it usually hides.
function unmask(word: string): string {
  return word.replace(/k\*+ll/g, "kill").replace(/d\*+e/g, "die").replace(/c\*+t/g, "cut")
    .replace(/\*+/g, "i");
}

// "!" for "i" inside a word ("p!lls", "su!c!de", "уб!ть"): и next to Cyrillic, i otherwise.
function bang(text: string): string {
  return text.replace(/(?<=[\p{L}\d@])!+(?=[\p{L}\d@])/gu, (_m, i: number) => {
    const near = (text[i - 1] ?? "") + (text[i + _m.length] ?? "");
    return CYR.test(near) ? "и" : "i";
  });
}

// An English word with a Russian ending ("unalive'нулся", "kmsнуться"): two words, so the
// English one can still be read.
const MIXED = /(?<![\p{L}\d])([a-z]*[dfgjlqsvwz][a-z]*)(?=[а-я]{2,}(?![\p{L}\d]))/gu;

// "1" for "I" before an English word ("1 dont want").
const ONE_I =
  /(?<![\p{L}\d])1 (?=(?:dont|cant|wanna|want|am|was|have|will|just|really|feel|need|think|wish|hate|keep)(?![\p{L}\d]))/gu;

/** The message as sentences of aligned tokens. */
export function normalise(text: string): Sentence[] {
  // A phrase in single quotes is quoted like one in double quotes; an apostrophe ("it's") is not.
  const flat = text.normalize("NFKC").toLowerCase().replace(SINGLE_QUOTED, '$1"$2"')
    .replace(/[ёë]/g, "е").replace(/й/g, "и").replace(/ъ/g, "ь")
    .replace(/[іï]/g, "и").replace(/(?<=[a-z]{3})[’'`ʼ](?=[а-я])/g, " ").replace(/[’'`ʼ]/g, "")
    .replace(LAUGH, " хаха . ")
    .replace(/\S*!\S*/g, bang).replace(/(?<![\p{L}\d!])!(?=[a-z])/gu, "i")
    .replace(SPACED, joinSpaced)
    .replace(HYPHENATED, (w) => w.replace(/[-.]/g, ""))
    .replace(/[a-z]+\*+[a-z]+/g, unmask)
    .replace(
      /(?<=[\p{L}\d])@(?=[\p{L}\d])|(?<![\p{L}\d])@(?=\p{L})|(?<=\p{L})@(?![\p{L}\d])/gu,
      "a",
    )
    .replace(/(?<=\p{L})\$(?=\p{L})|(?<![\p{L}\d])\$(?=\p{L})/gu, "s")
    .replace(MIXED, "$1 ").replace(ONE_I, "i ");
  const allWords = flat.split(/[^\p{L}\d]+/u);
  const english = allWords.some((w) => ENGLISH.has(w));
  const cyrillicText = allWords.filter((w) => CYR.test(w)).length >=
    allWords.filter((w) => LAT.test(w) && !CYR.test(w)).length;
  const out: Sentence[] = [];
  for (const { text: part, quoted } of split(flat)) {
    const ru: string[] = [];
    const en: string[] = [];
    const clauses: number[] = [];
    part.split(/,|\s(?=(?:но|but|а сейчас|а теперь)\s)/).forEach((chunk, clause) => {
      const words = chunk.replace(/(?<![\p{L}\p{N}])(\d{2,}|\d(?=\p{L}{5}))(\p{L})/gu, "$1 $2")
        .replace(/[^\p{L}\p{N}]+/gu, " ").trim().split(" ").filter((w) => w !== "");
      for (const w of words) {
        const [r, e] = spell(w, cyrillicText, english);
        ru.push(r);
        en.push(e);
        clauses.push(clause);
      }
    });
    if (ru.length === 0) continue;
    out.push({ ru, en, quoted, clauses });
  }
  return out;
}

const QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`";
const JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё";

function swap(text: string): string {
  return [...text].map((ch) => {
    const i = QWERTY.indexOf(ch);
    return i >= 0 ? JCUKEN[i] : ch;
  }).join("");
}

/** Letters typed with the Russian layout off: long enough and too few vowels for English. */
function looksSwapped(run: string): boolean {
  const letters = run.replace(/[^a-z]/g, "");
  if (letters.length < 6) return false;
  return letters.replace(/[^aeiouy]/g, "").length / letters.length <= 0.28;
}

// A run of Latin words with the layout's punctuation keys inside them ("nf,ktnrb e;t").
const LATIN_RUN = /[a-z;,'[\]`]*[a-z][a-z;,'[\]`]*(?: [a-z;,'[\]`]*[a-z][a-z;,'[\]`]*)*/g;

/** A message, or its Latin part, typed with the Russian layout off ("[jxe evthtnm" for «хочу
 * умереть»; "nf,ktnrb e;t dsgbk, мне плохо"). */
export function wrongLayout(text: string): string | undefined {
  const lower = text.toLowerCase();
  if (!/[а-яё]/.test(lower)) return looksSwapped(lower) ? swap(lower) : undefined;
  let changed = false;
  const out = lower.replace(LATIN_RUN, (run) => {
    // In a Russian message only a run with a key typed inside a word counts.
    if (!/[a-z][;,'[\]`][a-z]/.test(run) || !looksSwapped(run)) return run;
    changed = true;
    const tail = /[,.]$/.test(run) ? run.slice(-1) : "";
    return swap(run.slice(0, run.length - tail.length)) + tail;
  });
  return changed ? out : undefined;
}
