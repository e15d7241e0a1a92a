// Veiled hints and someone else's crisis: quiet preparations, a goodbye followed by silence,
// threats told in reported speech, past self-harm told from the present, and their everyday twins.

import assert from "node:assert/strict";
import { analyserProbe } from "../../tests/harness/analyser.ts";

const { read, expect } = await analyserProbe();

Deno.test("giving things away just in case, drawings of a noose: concern", () => {
  expect("concern", [
    "раздаю свои украшения подругам. на всякий случай",
    "giving away my guitar and my games, just in case",
    "сын рисует петли и могилы на полях, ему 12",
  ], "ambiguous");
  expect("none", [
    "раздаю детские вещи, переезжаем в другой город",
    "возьми зонт на всякий случай",
  ]);
});

Deno.test("someone else's goodbye and then silence, a gun held in the garage: concern", () => {
  for (
    const text of [
      "брат написал всем «простите за всё» и теперь не берёт трубку",
      "подруга выложила фото таблеток, с утра не отвечает",
      "отец третий час сидит с ружьём на балконе",
      "my sister is cutting herself again, what do i do",
    ]
  ) {
    const a = read(text);
    assert.equal(a.tier, "concern", `${text} → ${JSON.stringify(a)}`);
    assert.equal(a.about, "other", text);
  }
  expect("none", ["мама не отвечает, наверное на работе", "бабушка перестала есть сладкое"]);
});

Deno.test("waiting for the others to leave, with the means chosen: acute", () => {
  expect("acute", [
    "таблетки уже собраны, жду когда родители уснут",
    "я решил покончить с собой, жду только пока жена уедет к маме",
    "waiting until my roommates leave, then i'll use the gun on myself",
  ]);
  expect("none", ["жду когда родители уедут, позову друзей на пиццу"]);
});

Deno.test("threats with a knife in reported speech: acute violence", () => {
  for (
    const text of [
      "сосед угрожает, что прирежет меня, если пожалуюсь",
      "he texted that he will stab me after class",
    ]
  ) {
    const a = read(text);
    assert.equal(a.tier, "acute", `${text} → ${JSON.stringify(a)}`);
    assert.ok(a.violence, text);
  }
});

Deno.test("found in the morning, a place picked out: acute with a time", () => {
  expect("acute", [
    "всё решено. завтра меня уже найдут",
    "я всё обдумала. в субботу. мост присмотрела за городом, там никого",
  ]);
});

Deno.test("past self-harm told from the present is concern, not acute", () => {
  expect("concern", [
    "в юности резала себе бёдра, сейчас 40 и шрамы всё ещё видно",
    "лет десять назад жгла себя зажигалкой, сейчас в ремиссии",
  ]);
  expect("acute", ["в школе резала руки, сейчас опять режу себя каждый вечер"]);
});

Deno.test("everyday twins: ice cream, wilting plants, a pet scratched on its cage, quoted news", () => {
  expect("none", [
    "утоплю сегодня горе в шоколаде и сериалах",
    "утоплюсь в работе до пятницы, дедлайны",
    "my flowers are committing suicide, too much water i guess",
    "у кота царапина, поранился о забор",
  ]);
  // Reported speech keeps a quote real: at most concern, about someone else.
  const news = read("the metro was late, they said 'person on the tracks', it was a lost bag");
  assert.notEqual(news.tier, "acute");
});

Deno.test("slang for an overdose with a time: acute", () => {
  expect("acute", ["сегодня накидаюсь таблетками и спать навсегда"]);
  expect("none", ["сегодня накидаюсь пивом с пацанами"]);
});
