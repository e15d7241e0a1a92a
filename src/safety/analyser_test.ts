// The crisis analyser: normalisation tricks, every signal class, every lowering frame, the
// imminent-danger rule, negation, English, the dream chat and the recent-context rule.

import assert from "node:assert/strict";
import { analyserProbe } from "../../tests/harness/analyser.ts";
import type { AnalyseOptions } from "./analyser.ts";
import { compileLexicon } from "./analyser_lexicon.ts";
import { ruleClasses } from "./analyser_rules.ts";
import { normalise, transliterate, wrongLayout } from "./normalise.ts";

const { read, expect } = await analyserProbe();

function words(text: string): string[] {
  return normalise(text).map((s) => s.ru.join(" "));
}

Deno.test("normalise: ё, й, case, stretched letters, punctuation", () => {
  assert.deepEqual(words("Всё… ХОЧУУУУ!!!"), ["все", "хочу"]);
  assert.deepEqual(words("мой самоубийство"), ["мои самоубииство"]);
});

Deno.test("normalise: Latin look-alikes and digits inside Cyrillic words", () => {
  assert.deepEqual(words("Хoчу yмepeть"), ["хочу умереть"]);
  assert.deepEqual(words("я пokoнчy c coбoй"), ["я покончу с собои"]);
  assert.deepEqual(words("хочу ум3р3ть, 3ачем у6ью"), ["хочу умереть зачем убью"]);
});

Deno.test("normalise: transliteration, leet digits and @ in Latin words", () => {
  assert.equal(transliterate("pokonchit"), "покончит");
  assert.deepEqual(words("hochu umeret"), ["хочу умерет"]);
  assert.deepEqual(words("ub1t seb9"), ["убит себя"]);
  assert.deepEqual(words("s@m0ub1ystv0"), ["самоубииство"]);
  // English words stay English: "on" is not «он».
  assert.deepEqual(words("I'm on the roof"), ["im on the roof"]);
});

Deno.test("normalise: spaced, dotted and dashed letters are joined", () => {
  assert.deepEqual(words("у м е р е т ь"), ["умереть"]);
  assert.deepEqual(words("с.у.и.ц.и.д"), ["суицид"]);
  assert.deepEqual(words("р е ж у  р у к и опять"), ["режу руки опять"]);
  assert.deepEqual(words("у.б.ь.ю с.е.б.я"), ["убью себя"]);
  assert.deepEqual(words("и т.д. и т.п."), ["и тд и тп"]);
});

Deno.test("normalise: a message typed with the wrong keyboard layout", () => {
  assert.equal(wrongLayout("[jxe evthtnm"), "хочу умереть");
  assert.equal(wrongLayout("I want to sleep"), undefined);
  expect("acute", ["[jxe evthtnm"], "intent");
});

Deno.test("obfuscated writing is still read", () => {
  expect("acute", [
    "хoчу yмepeть",
    "хочу у м е р е т ь",
    "хочууу умереееть",
    "хочуумереть",
    "ya hochu umeret segodnya",
    "ub1t seb9 hochu",
    "хочу ум3р3ть",
    "хачу умиреть",
    "думаю о суециде каждый день",
    "хочу покончть с собой",
    "k i l l  m y s e l f tonight",
    "ск0р0 меня не6удет, пр0щайте",
  ]);
  expect("acute", ["мысли про с.у.и.ц.и.д не отпускают"], "intent");
});

Deno.test("intent and plans are acute in any word order and form", () => {
  expect("acute", [
    "Я хочу умереть",
    "умереть хочется",
    "решила покончить с собой",
    "с собой покончу, так и знайте",
    "себя убить хочу",
    "я убью себя",
    "думаю о самоубийстве",
    "у меня суицидальные мысли",
    "в пятницу всё закончу",
    "I want to end my life",
    "i've decided to kill myself this weekend",
    "I feel suicidal",
  ], "intent");
});

Deno.test("methods and looking for one are acute", () => {
  expect("acute", [
    "хочу прыгнуть с крыши",
    "думаю как лучше повеситься",
    "наглотаюсь таблеток",
    "хочу вскрыть вены",
    "ищу как умереть наверняка",
    "i'm gonna jump off the bridge",
  ], "method");
});

Deno.test("imminent danger: a place, means in hand, a time word, pills taken", () => {
  expect("acute", ["стою на балконе за перилами", "сижу на краю крыши"], "imminent");
  expect("acute", ["таблетки в руке прямо сейчас", "верёвка уже привязана, петля готова"]);
  expect("acute", ["я на 12 этаже, окно открыто, сейчас прыгну"]);
  expect("acute", [
    "выпила 20 таблеток феназепама полчаса назад",
    "наглоталась снотворного",
    "i just took like 30 pills",
  ], "overdose");
  for (const text of ["стою на мосту за ограждением", "i took all my antidepressants"]) {
    assert.equal(read(text).imminent, true, text);
  }
});

Deno.test("farewells and euphemisms are acute", () => {
  expect("acute", [
    "я всё решила. завтра меня уже не будет",
    "раздала вещи подругам, кота отдала маме",
    "это прощание. простите меня",
    "написала предсмертную записку",
    "this is goodbye",
    "by the time you read this I won't be here",
  ], "farewell");
});

Deno.test("self-harm now or recently is acute in every verb form", () => {
  expect("acute", [
    "снова порезалась вчера",
    "режу руки",
    "опять резала себя",
    "прижигаю руки сигаретами",
    "I cut again",
    "i'm going to cut tonight",
  ], "self_harm");
});

Deno.test("violence against the writer is acute and flagged", () => {
  for (
    const text of [
      "муж пьяный ломится в дверь орёт что убьёт",
      "he's hitting me",
      "отчим бьёт меня каждый день",
      "бывший угрожает меня зарезать",
    ]
  ) {
    const a = read(text);
    assert.equal(a.tier, "acute", text);
    assert.ok(a.violence, text);
    assert.equal(a.about, "self", text);
  }
  assert.equal(read("отец бил меня в детстве").tier, "concern");
});

Deno.test("slang is acute", () => {
  expect("acute", [
    "хочу вздернуться",
    "вскроюсь сегодня наверное",
    "пойду выпилюсь",
    "роскомнадзорнусь",
    "kms",
    "gonna unalive myself",
  ], "slang");
});

Deno.test("passive wishes, hopelessness and ambiguous words are concern", () => {
  expect(
    "concern",
    ["Хочу уснуть и не проснуться", "Я устала жить", "хочется исчезнуть"],
    "passive",
  );
  expect("concern", ["wish I wouldn't wake up", "не хочу больше жить"], "passive");
  expect("concern", ["я всем обуза", "нет выхода", "everyone would be better off without me"]);
  expect("concern", ["не знаю сколько ещё протяну", "i can't do this much longer"], "ambiguous");
});

Deno.test("another person in crisis is concern, never acute, and about them", () => {
  for (
    const text of [
      "подруга пишет, что покончит с собой",
      "брат режет руки",
      "мама сказала что не хочет жить",
      "my friend is on a roof right now",
      "друг написал «прости за всё» и не берёт трубку",
    ]
  ) {
    const a = read(text);
    assert.equal(a.tier, "concern", `${text} → ${JSON.stringify(a)}`);
    assert.equal(a.about, "other", text);
    assert.ok(a.signals.includes("other_person"), text);
  }
});

Deno.test("past attempts and past self-harm told now are concern", () => {
  for (
    const text of [
      "3 года назад пыталась, сейчас всё хорошо",
      "в 16 лет я резала руки, шрамы остались",
      "I attempted suicide in college, I'm fine now",
      "раньше резала руки, уже 5 лет не режу",
    ]
  ) {
    const a = read(text);
    assert.equal(a.tier, "concern", `${text} → ${JSON.stringify(a)}`);
    assert.ok(a.signals.includes("past") || a.lowered.includes("past"), text);
  }
  const clean = read("2 years clean from self harm today!");
  assert.notEqual(clean.tier, "acute");
});

Deno.test("frames lower a hit: dream, fiction, news, study", () => {
  const cases: [string, string][] = [
    ["снилось что я хочу умереть, к чему это", "dream"],
    ["в фильме герой хочет покончить с собой", "fiction"],
    ["в новостях писали, что мужчина угрожал убить соседей", "news"],
    ["пишу курсовую, почему подростки думают о суициде", "study"],
  ];
  for (const [text, frame] of cases) {
    const a = read(text);
    assert.equal(a.tier, "none", `${text} → ${JSON.stringify(a)}`);
    assert.ok(a.lowered.includes(frame), `${text}: ${a.lowered}`);
  }
  expect("none", [
    "снилось что я повесилась, к чему это",
    "в сериале персонаж повесился, жуть",
    "что такое суицидальное поведение?",
  ]);
});

Deno.test("frames lower a hit: clear jokes and idioms", () => {
  expect("none", [
    "убить время",
    "умираю со смеху",
    "повешусь от этой бюрократии лол",
    "этот дедлайн меня убьёт",
    "this exam is killing me",
    "сестра сказала что задушит меня если я возьму её кофту 😂",
  ]);
  const joke = read("хочу умереть)))");
  assert.equal(joke.tier, "concern");
  assert.ok(joke.lowered.includes("joke"));
  expect("acute", ["хочу умереть, это не шутка"]);
});

Deno.test("frames lower a hit: past, medical, accident, ordinary leaving", () => {
  const past = read("три года назад я пыталась покончить с собой, сейчас всё хорошо");
  assert.equal(past.tier, "concern");
  expect("none", [
    "выпью таблетку но-шпы",
    "порезалась когда резала хлеб",
    "кот выпрыгнул из окна",
  ]);
  expect("none", [
    "скоро меня тут не будет — переезжаю в Питер!",
    "раздала вещи, которые стали малы",
  ]);
});

Deno.test("negation cancels a wish", () => {
  for (
    const text of ["я не хочу умирать", "I'm not suicidal", "никогда не думала о самоубийстве"]
  ) {
    const a = read(text);
    assert.equal(a.tier, "none", text);
  }
  assert.ok(read("я не хочу умирать").lowered.includes("negation"));
  // "не хочу жить" is the wish itself, not its negation.
  expect("concern", ["не хочу жить"]);
});

Deno.test("imminent danger is never lowered by a joke, a hedge, a study frame or the dream chat", () => {
  for (
    const text of [
      "стою на крыше за перилами лол",
      "иногда думаю, а сейчас вот стою на краю крыши",
      "выпила 30 таблеток час назад, не знаю что такое передозировка",
      "хочу умереть сегодня ночью, шучу наверное",
    ]
  ) {
    const a = read(text);
    assert.equal(a.tier, "acute", `${text} → ${JSON.stringify(a)}`);
    assert.ok(a.imminent, text);
  }
  const soul = read("я выпила 20 таблеток полчаса назад", { place: "soulsleep" });
  assert.equal(soul.tier, "acute");
  assert.ok(soul.imminent);
});

Deno.test("the dream chat: a dream is a dream, a statement about real life is real", () => {
  const soulsleep: AnalyseOptions = { place: "soulsleep" };
  expect(
    "none",
    [
      "я прыгнула с крыши и полетела над городом",
      "стою на крыше, внизу море, я прыгаю",
      "меня душил какой-то человек",
    ],
    undefined,
    soulsleep,
  );
  expect(
    "acute",
    [
      "забудь про сон. я сейчас на балконе и собираюсь прыгнуть",
      "хочу умереть, сны тут ни при чём",
    ],
    undefined,
    soulsleep,
  );
  expect(
    "concern",
    ["мне снилось что я умерла. а в жизни я правда не хочу жить"],
    undefined,
    soulsleep,
  );
});

Deno.test("English", () => {
  expect("acute", ["I want to die", "i wanna kms", "going to jump off the bridge tonight"]);
  expect("acute", ["my husband is beating me right now"], "violence");
  expect("concern", ["i'm so tired of living", "what's the point of anything"]);
  expect("none", [
    "I'm dying to see the new movie",
    "I cut my finger while cooking",
    "I killed it at the presentation",
    "my cat jumped out of the window",
  ]);
});

Deno.test("everyday sadness, anxiety, grief and burnout are none", () => {
  expect("none", [
    "мне грустно и одиноко",
    "я так устала на работе",
    "бабушка умерла в прошлом году, скучаю",
    "хочу уйти с работы",
    "хочу исчезнуть на выходные",
    "я на крыше с друзьями, отмечаем день рождения",
    "не хочу жить с родителями",
    "I'm anxious about my exam tomorrow",
  ]);
});

Deno.test("recent messages only raise: a place, means or time after a wish becomes acute", () => {
  const wish = ["хочу уснуть и не проснуться"];
  // Alone, a place or means at hand is concern (the tiers), a bare time word nothing.
  for (const text of ["я на крыше", "таблетки уже в руке", "сегодня ночью"]) {
    assert.equal(read(text).tier, text === "сегодня ночью" ? "none" : "concern", text);
    const a = read(text, { recent: wish });
    assert.equal(a.tier, "acute", text);
    assert.ok(a.imminent, text);
  }
  assert.equal(read("i'm on the roof now", { recent: ["i wish i was dead"] }).tier, "acute");
  assert.equal(read("я на балконе", { recent: ["сегодня было весело"] }).tier, "none");
  // A joke afterwards lowers nothing and raises nothing.
  assert.equal(read("я пошутила", { recent: ["хочу умереть"] }).tier, "none");
  assert.equal(read("хочу умереть", { recent: ["я пошутила"] }).tier, "acute");
});

Deno.test("the lexicon: every class the rules read exists; bad patterns name their class", async () => {
  const raw = JSON.parse(
    await Deno.readTextFile(new URL("../../safety/lexicon.json", import.meta.url)),
  );
  assert.equal(typeof raw.about, "string");
  for (const name of ruleClasses()) assert.ok(name in raw.classes, `missing class ${name}`);
  assert.throws(
    () => compileLexicon({ about: "", classes: { broken: ["(unclosed"] } }),
    /Cannot compile lexicon class broken/,
  );
});

Deno.test("normalise: wide gaps, hyphenated and dotted syllables, digits and asterisks", () => {
  assert.deepEqual(words("с у и ц и д   з а в т р а.   я   у с т а л а"), [
    "суицид завтра",
    "я устала",
  ]);
  assert.deepEqual(words("40 таб-ле-ток и таб.ле.ток, кто-то"), ["40 таблеток и таблеток кто то"]);
  assert.deepEqual(words("ja poreza1a"), ["я порезала"]);
  assert.deepEqual(words("gonna k*ll myself"), ["gonna kill myself"]);
  expect("acute", ["с у и ц и д   з а в т р а", "ja poreza1a sebja sei4as", "k*ll myself tonight"]);
});

Deno.test("normalise: ! for i, @ at a word end, 1 for I, 3 for е at a word end", () => {
  assert.deepEqual(normalise("took p!lls, su!c!de")[0]?.en, ["took", "pills", "suicide"]);
  assert.deepEqual(words("н!кому не нужн@"), ["никому не нужна"]);
  assert.deepEqual(normalise("1 dont want")[0]?.en, ["i", "dont", "want"]);
  assert.deepEqual(words("н3 хочу"), ["не хочу"]);
  assert.deepEqual(normalise("c*tting again")[0]?.en, ["cutting", "again"]);
});

Deno.test("normalise: an English word with a Russian ending is split off", () => {
  assert.deepEqual(normalise("unalive'нулся")[0]?.en, ["unalive", "нулся"]);
  assert.deepEqual(normalise("kmsнуться")[0]?.en, ["kms", "нуться"]);
});

Deno.test("wrong layout inside a Russian message, and the analysis reads it", () => {
  assert.equal(wrongLayout("nf,ktnrb e;t dsgbk, мне плохо"), "таблетки уже выпил, мне плохо");
  assert.equal(wrongLayout("привет, как дела"), undefined);
  assert.equal(wrongLayout("ok, скоро буду"), undefined);
  assert.equal(
    wrongLayout("мне плохо, z yfukjnfkfcm nf,ktnjr"),
    "мне плохо, я наглоталась таблеток",
  );
  expect("acute", ["мне плохо, z yfukjnfkfcm nf,ktnjr"]);
});

Deno.test("the dream chat: a call for help is present, not a dream", () => {
  expect("acute", ["помогите, отец бьёт меня"], "violence", { place: "soulsleep" });
  expect("none", ["помогите разобраться: во сне отец бил меня"], undefined, { place: "soulsleep" });
});
