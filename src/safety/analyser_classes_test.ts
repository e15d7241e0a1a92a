// The crisis analyser's word classes one by one: plans without the word, overdoses, notes,
// self-harm and violence in every form, concern, and the everyday use of the same words.

import assert from "node:assert/strict";
import { analyserProbe } from "../../tests/harness/analyser.ts";

const { read, expect } = await analyserProbe();

Deno.test("present at a height or with means in hand: acute unless clearly benign", () => {
  expect("acute", [
    "стою на мосту, внизу река, холодно",
    "я на крыше высотки. сейчас",
    "залезла на последний этаж заброшки и смотрю вниз",
    "крыша. ночь.",
    "i'm on the bridge and no one is around",
    "сижу в ванной с бритвой, мне плохо",
    "нож в руке, не знаю что делать",
    "holding my dads gun, im shaking",
    "открыла газ и заткнула щели под дверью",
  ], "imminent");
  expect("concern", ["я на мосту", "в руке лезвие"], "imminent");
  expect("none", [
    "сидим на крыше с друзьями, смотрим салют",
    "я на мосту, жду такси",
    "работаю на 30 этаже, вид шикарный",
    "нож рядом с доской, режу овощи на ужин",
    "открыла газ, варю суп",
    "holding my knife and fork",
  ]);
});

Deno.test("an overdose taken is acute in any wording; ordinary medicine and food are not", () => {
  expect("acute", [
    "закинулась колёсами горстью",
    "проглотил штук 25 таблеток",
    "выпила все таблетки что нашла в аптечке, мне плохо",
    "снотворное выпито, всё",
    "swallowed a fistful of sleeping pills",
  ], "overdose");
  expect("none", [
    "выпила две таблетки от головы",
    "выпил пачку кефира",
    "таблетки выпиты по курсу, врач доволен",
    "took a handful of vitamins",
    "наглоталась воды в бассейне",
  ]);
});

Deno.test("plans without the word: a place scouted, means saved, a settled day, no stopping", () => {
  expect("acute", [
    "нашёл высотку, там крыша открыта и никого нет",
    "насобирала снотворного за зиму, теперь хватит",
    "назначил себе дату и просто доживаю",
    "в пятницу сделаю это, не надо меня останавливать",
    "всё необходимое уже лежит в шкафу, записку начала",
    "i bought everything i need and picked the day",
    "больше не стану жить",
  ]);
  expect("none", [
    "нашла место для шашлыков, там высоко и красивый вид",
    "назначила дату свадьбы на июнь",
    "в пятницу сделаю это — подстригусь",
    "не отговаривай, я записалась на марафон",
  ]);
});

Deno.test("farewells told as notes and giving things away", () => {
  expect("acute", [
    "в моей смерти не вините никого",
    "когда вы это прочитаете, простите меня",
    "передай сестре, что я не мучилась",
    "if you are reading this, i'm sorry. bye for good",
    "пристроил пса к другу, оставил письма. прощайте",
  ], "farewell");
  expect("concern", ["раздам книги, мне они больше не понадобятся"], "ambiguous");
  expect("none", [
    "отдам коляску, нам она больше не понадобится, дети выросли",
    "оставила мужу записку: купи молока",
  ]);
});

Deno.test("self-harm without the verb: relapse, burns, fists, scratching", () => {
  expect("acute", [
    "опять сделала это, на запястье кровь",
    "сорвалась, на бедре новые",
    "тушила сигарету об руку",
    "бью кулаком в стену, костяшки в кровь",
    "burned my wrist with a lighter tonight",
    "scratched my legs till they bled again",
  ], "self_harm");
  expect("none", ["опять сделала это — заказала пиццу в час ночи", "relapsed on sugar again"]);
});

Deno.test("violence now: coming, locked in, followed, threatened with a beating", () => {
  expect("acute", [
    "он пьяный поднимается ко мне, я боюсь",
    "меня закрыли в комнате и не выпускают",
    "за мной бегут двое, я одна",
    "обещали после тренировки избить меня",
    "he won't let me leave the apartment",
  ], "violence");
  expect("none", ["за мной идёт кот", "меня случайно заперли в офисе, жду охрану"]);
});

Deno.test("passive wishes, hopelessness, someone joining the dead, ambiguous leaving", () => {
  expect("concern", [
    "ложусь спать и надеюсь не проснуться",
    "смерть была бы для меня облегчением",
    "было бы неплохо, если бы автобус в меня врезался",
    "хочется выключить себя",
    "впереди ничего",
    "перестал верить, что будет лучше",
    "i'm at the bottom of a pit and no one is coming",
    "может, мне просто уйти совсем",
    "что будет после смерти? просто интересно",
  ]);
  expect("concern", ["отец после похорон мамы твердит, что скоро к ней уйдёт"], "other_person");
  expect("concern", ["подруга написала, что выпила таблетки, и молчит"], "other_person");
  expect("none", [
    "впереди пустота в календаре, наконец отпуск",
    "мне всё равно, если дождь пойдёт",
  ]);
});

Deno.test("past history told now stays concern", () => {
  expect("concern", [
    "в анамнезе попытка, психиатр спросил, а я не знаю, как сказать",
    "в 13 прижигала себя, сейчас мне 28",
  ]);
});

Deno.test("slang families: reflexive «выпилиться», self-deleting, despawn, English texting slang", () => {
  expect("acute", [
    "короче я выпиливаюсь на этой неделе",
    "завтра самоудалюсь, всё решено",
    "хочу деспавн навсегда",
    "ctrl alt delete себя хочу",
    "gonna unalive myself tmrw",
    "logging off life for good tonight",
  ]);
  expect("none", [
    "выпилил скворечник на трудах",
    "выпилила из фанеры рамку для фото",
    "весь вечер выпиливаю лобзиком",
  ]);
});

Deno.test("texting time words make a plan present: rn, tn, tmrw, by morning", () => {
  expect("acute", [
    "i won't be alive by tomorrow",
    "im going to kms tn",
    "к утру меня уже не будет в живых",
    "hanging myself tmrw",
  ]);
});

Deno.test("farewells for ever and 'won't be alive'", () => {
  expect("acute", [
    "всем пока навсегда",
    "прощайте навсегда, ребята",
    "I won't be alive next week",
  ]);
  expect("acute", ["раздал вещи друзьям. прощайте навсегда"], "farewell");
});

Deno.test("self-harm: wounds inflicted, on purpose, bleeding that won't stop, fists", () => {
  expect("acute", [
    "нанесла себе порезы в ванной",
    "специально поранила себе руку",
    "делаю себе больно каждый вечер",
    "сделал пару порезов на бедре",
    "кровь не останавливается, что делать",
    "бью кулаком в стену пока не больно",
    "scratched my arms raw again",
    "the cuts i made last night are still bleeding",
  ]);
});

Deno.test("accidental burns and cuts in the kitchen or at work are not self-harm", () => {
  expect("none", [
    "burned my hand on the oven again, ouch",
    "I burned my arm on the tray while baking",
    "порезалась ножом, когда резала хлеб",
    "обожглась об сковородку опять",
    "сделал пару надрезов на мясе для маринада",
  ]);
});

Deno.test("tools and sports gear are not means", () => {
  expect("none", [
    "купил монтажный пистолет, сейчас буду запенивать окна",
    "пистолет для пены лежит на столе, сейчас доделаю",
    "держу клеевой пистолет в руке, сейчас доклею",
    "went climbing today, the rope is in my bag",
    "top rope session tonight at the gym",
    "bought a new climbing rope, holding it now",
    "я сегодня купил верёвку для палатки",
  ]);
  expect("acute", ["i bought rope today and its not for camping", "im gonna rope tonight"]);
});

Deno.test("hyperbole is not risk: «чтоб я сдох», nearly died at training, drowning in tea", () => {
  expect("none", [
    "чтоб я сдох, какой закат",
    "чуть не сдох на тренировке",
    "я щас сдохну пока сериал скачается",
    "пойду утоплюсь в чае после такого дня",
    "утоплюсь в слезах, такой милый финал",
  ]);
});

Deno.test("violence: beatings promised in chats, locked in, followed and grabbed", () => {
  expect("acute", [
    "в беседе пишут что завтра изобьют меня после уроков",
    "отчим не выпускает меня из квартиры",
    "a guy followed me home and grabbed my arm",
    "my dad slapped me again tonight",
    "someone is trying to break into my house",
  ]);
  assert.ok(read("отчим не выпускает меня из квартиры").violence);
  expect("none", ["waving at the guy behind me was so awkward"]);
});

Deno.test("nobody home or «game over» primes a plan; alone they are nothing", () => {
  expect("acute", ["сегодня ночью сделаю это, никто не помешает", "гг вп. таблетки выпила"]);
  expect("none", [
    "родители на даче, сегодня ночью устрою вечеринку",
    "мамы нет дома, открыла окно проветрить",
    "гг вп, хорошая катка",
  ]);
});

Deno.test("concern: tired of everything, dark thoughts back, never born, a fix for me", () => {
  expect("concern", [
    "устала от всего",
    "опять эти мысли, не хочу говорить",
    "the dark thoughts are back tonight",
    "лучше бы я не рождалась",
    "зачем я вообще существую",
    "я никому не нужна",
    "whats even the point of trying",
    "if i died tomorrow i'd honestly be relieved",
    "было бы неплохо не дожить до сессии",
    "мне всё равно, умру я или нет",
  ]);
  expect("none", [
    "устала от всего этого ремонта",
    "I'm so tired of everything being so expensive",
  ]);
});

Deno.test("someone else: their search history, their threat to shoot themselves", () => {
  expect("concern", [
    "my son's browser history is full of suicide stuff",
    "папа сказал, что пустит себе пулю",
    "младшая сестра начала резаться, я случайно увидела",
  ]);
});

Deno.test("violence told by an adult at home: weapons, injuries, the police not yet called", () => {
  expect("acute", [
    "он только что ударил меня и сказал, что если вызову полицию — убьёт",
    "сожитель таскал меня за волосы по квартире",
    "муж выбил мне зуб, я заперлась в ванной",
    "он бьёт меня, когда пьяный. сейчас стоит с топором в прихожей",
  ], "violence");
  expect("none", [
    "сосед стоит с молотком в коридоре, вешает полку",
    "упала с велосипеда и разбила губу",
    "в новостях писали, что полиция задержала грабителя",
  ]);
});

Deno.test("threats in other words, a hurt done on purpose, a blade kept hidden", () => {
  expect("acute", [
    "отчим пишет что приедет и прирежет нас обоих",
    "одноклассник написал, что завтра проломит мне башку",
    "в чате пишут, что после тренировки будут меня бить",
    "he texted that i'm next",
    "нарочно прижгла руку утюгом, чтобы стало тише",
    "исполосовала себе бедро маникюрными ножницами",
    "бритва спрятана в пенале, режусь ей каждый день",
  ]);
  expect("concern", ["храню лезвие под подушкой, так спокойнее"], "self_harm");
  expect("none", [
    "обожглась об утюг, пока гладила рубашку",
    "режу ножницами ткань для костюма каждый вечер",
    "спрятала подарок под подушку, завтра день рождения",
    "сказали, что завтра будут бить рекорд по отжиманиям",
  ]);
});

Deno.test("the dream chat: a date, a goodbye or someone acting now is the present", () => {
  const soul = { place: "soulsleep" as const };
  expect(
    "acute",
    [
      "я на крыше. прощайте",
      "он стоит под дверью и угрожает, что убьёт меня",
    ],
    undefined,
    soul,
  );
  expect(
    "none",
    [
      "я стояла на крыше, а внизу был океан",
      "он гнался за мной и кричал, что убьёт",
    ],
    undefined,
    soul,
  );
});
