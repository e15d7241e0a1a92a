// The crisis analyser on adult euphemisms: leaving, not being, being taken by God, having lived
// enough, being a burden, debts with no way out, someone else's warning signs — and the everyday
// use of the same words (retirement, quitting, a funeral custom, price idioms).

import assert from "node:assert/strict";
import { analyse, type AnalyseOptions, type Analysis, loadLexicon, type Tier } from "./analyser.ts";

const lexicon = await loadLexicon();

function read(text: string, opts?: AnalyseOptions): Analysis {
  return analyse(lexicon, text, opts);
}

function expect(tier: Tier, texts: string[], signal?: string): void {
  for (const text of texts) {
    const a = read(text);
    assert.equal(a.tier, tier, `${text} → ${JSON.stringify(a)}`);
    if (signal) assert.ok(a.signals.includes(signal), `${text}: no ${signal} in ${a.signals}`);
  }
}

Deno.test("passive wishes in plain adult speech: concern", () => {
  expect("concern", [
    "Боже, прибери меня к себе, сил моих больше нет",
    "молюсь каждый вечер, чтобы Господь забрал меня поскорее",
    "я своё уже пожил, пора и честь знать",
    "мне семьдесят, пожила и хватит",
    "устал быть живым, вот честно",
    "лучше бы вообще не просыпаться мне",
    "было бы неплохо просто не жить",
    "не наложить на себя руки, а просто не быть",
    "думаю иногда: может, сердце остановится ночью",
    "самолёт трясло, а я думала — ну и пусть упадёт",
    "вот бы грузовик вылетел навстречу",
    "хочется заболеть чем-то неизлечимым",
    "хочется, чтобы всё само собой закончилось",
    "сыну было бы проще, если бы я умерла",
    "пусть со мной что-нибудь случится, мне всё равно",
    "операция завтра, может, не проснусь после наркоза, и было бы неплохо",
    "я не хочу больше быть",
  ], "passive");
});

Deno.test("leaving everyone, said of oneself: concern, not with retirement or a job", () => {
  expect("concern", [
    "может, освободить всех от себя, им станет легче",
    "хочу избавить семью от себя",
    "я ушла бы насовсем, чтобы никого не мучить",
    "муж сказал, что скоро уйдёт насовсем, и замолчал",
  ]);
  expect("none", [
    "освободила всех от себя в том смысле, что ушла на пенсию",
    "хочу уйти с работы насовсем и заняться садом",
    "ушла бы я из этого банка насовсем",
    "решила уйти от мужа, подала на развод",
  ]);
});

Deno.test("hopelessness, a burden, debts with no way out: concern", () => {
  expect("concern", [
    "я для детей только груз",
    "лежу после операции, для семьи я камень на шее",
    "ничего уже не исправить",
    "все мои усилия напрасны",
    "не вижу смысла бороться",
    "мне некуда идти и незачем",
    "от меня детям одни беды",
    "дочь заслуживает лучшего, чем я",
    "я ничего не стою",
    "для меня уже всё поздно",
    "кредиты, проценты, я никогда не расплачусь",
    "из этой ямы я уже не выкарабкаюсь",
    "мне уже не помочь",
    "I can't see any reason to keep going",
  ], "hopeless");
});

Deno.test("ambiguous hints: the last evening, the solution to all problems, a plan and a date", () => {
  expect("concern", [
    "это лето, наверное, будет для меня последним",
    "кажется, я знаю решение всех своих проблем",
    "she has a plan and a date, what do I do",
  ]);
  expect("none", [
    "это мой последний день на работе перед отпуском",
    "нашёл решение всех проблем с машиной: продал её",
  ]);
});

Deno.test("someone else's warning signs: concern about the other person", () => {
  for (
    const text of [
      "мама говорит, что не хочет больше быть",
      "отец раздаёт свои вещи и перестал есть",
      "дочь копит таблетки, я нашла их в шкафу",
      "соседка сказала, что скоро освободит всех",
      "муж искал в интернете, как уйти без боли",
      "my brother keeps talking about hanging himself",
    ]
  ) {
    const a = read(text);
    assert.equal(a.tier, "concern", `${text} → ${JSON.stringify(a)}`);
    assert.equal(a.about, "other", text);
  }
});

Deno.test("decisions and hours left: acute", () => {
  expect("acute", [
    "я решила уйти из жизни, простите",
    "решил закончить всё это насовсем",
    "жить мне осталось до утра, я так решил",
    "я выпил всю аптечку, голова кружится",
    "сижу на подоконнике, ноги уже снаружи",
    "это мой последний вечер, спасибо вам за всё",
    "сейчас сижу в гараже, всё подготовил",
    "я в лесу, с собой верёвка. простите меня все",
  ]);
});

Deno.test("danger told among everyday details far from the scene stays acute", () => {
  expect("acute", [
    "Утром поменял резину на машине, съездил на работу. Вечером всё решил. Я стою на крыше, смотрю вниз.",
  ]);
  expect("none", ["стою на крыше, чиним антенну с соседом"]);
});

Deno.test("a dream interpreter thanked is no dream report", () => {
  expect("acute", ["Спасибо за толкования снов. Я выпила всю аптечку, лежу и жду."]);
  expect("none", ["Мне снилось, что я выпила всю аптечку. К чему это?"]);
});

Deno.test("a past attempt told now with present urges held back is concern", () => {
  expect("concern", [
    "лет семь назад наглоталась таблеток, пыталась покончить с собой. сейчас иногда тянет, но держусь",
    "года три назад стоял на мосту, хотел прыгнуть. бывает, что и сейчас тянет, но справляюсь",
  ]);
});

Deno.test("everyday uses of the same words stay none", () => {
  expect("none", [
    "хочу закончить ремонт до лета",
    "цены такие, что хоть в петлю лезь",
    "бабушка заранее купила себе платье на похороны, так у них в деревне принято",
    "засиделись в гостях, пора и честь знать",
    "мама пожила в деревне, пора ей в город",
    "хоть бы заболеть и не идти на экзамен",
    "вот бы машина новая была",
    "хочу исчезнуть на выходные из соцсетей",
    "кот перестал есть, везу к ветеринару",
    "ушла на пенсию, теперь сад и внуки",
    "сейчас в гараже, всё подготовил к покраске машины",
    "едем на рыбалку, с собой верёвка и палатка",
  ]);
});
