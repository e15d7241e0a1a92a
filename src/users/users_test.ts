// Parsing what people type during onboarding: names, ages and genders.

import assert from "node:assert/strict";
import { cleanName, parseAge, parseGender } from "./users.ts";

Deno.test("names are trimmed, squeezed and limited to 32 characters", () => {
  assert.equal(cleanName("  Анна   Мария "), "Анна Мария");
  assert.equal(cleanName("Лу\u0007"), "Лу");
  assert.equal(cleanName("🌸".repeat(32)), "🌸".repeat(32), "emoji count as one character each");
  assert.equal(cleanName("🌸".repeat(33)), undefined);
  assert.equal(cleanName("x".repeat(33)), undefined);
  assert.equal(cleanName("   "), undefined);
  assert.equal(cleanName("/menu"), undefined);
});

Deno.test("ages are whole numbers from 13 to 100, with or without 'лет'", () => {
  assert.equal(parseAge("29"), 29);
  assert.equal(parseAge(" 25 лет "), 25);
  assert.equal(parseAge("41 год"), 41);
  assert.equal(parseAge("13"), 13);
  assert.equal(parseAge("100"), 100);
  for (const bad of ["12", "101", "-3", "2.5", "много", "", "29 и 30"]) {
    assert.equal(parseAge(bad), undefined, bad);
  }
});

Deno.test("a typed gender is understood in common forms", () => {
  assert.equal(parseGender("Женский"), "female");
  assert.equal(parseGender("ж"), "female");
  assert.equal(parseGender("мужчина."), "male");
  assert.equal(parseGender("M"), "male");
  assert.equal(parseGender("не знаю"), undefined);
  assert.equal(parseGender("мужской и женский"), undefined);
});
