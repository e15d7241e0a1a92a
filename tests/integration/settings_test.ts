// user_settings through getStyle/setStyle: the defaults without a row, an upsert that changes one
// setting and can be repeated, and racing changes that leave exactly one row.

import assert from "node:assert/strict";
import { freshDb } from "../harness/db.ts";
import { getStyle, isLength, isPersonality, isTone, setStyle } from "../../src/style/settings.ts";
import { DEFAULT_STYLE } from "../../src/style/style.ts";
import { touchUser } from "../../src/users/users.ts";

const USER = 700_001;
const NOW = new Date("2026-11-24T09:00:00Z");

Deno.test("a user who never chose gets дружелюбный / друг / средне", async () => {
  await using db = await freshDb();
  await touchUser(db, { id: USER, first_name: "U" }, NOW);
  assert.deepEqual(await getStyle(db, USER), DEFAULT_STYLE);
  assert.deepEqual(await getStyle(db, 999_999), DEFAULT_STYLE, "even without a user row");
});

Deno.test("setStyle changes one setting, keeps the others and can be repeated", async () => {
  await using db = await freshDb();
  await touchUser(db, { id: USER, first_name: "U" }, NOW);
  await setStyle(db, USER, { key: "tone", value: "ironic" });
  const now = await setStyle(db, USER, { key: "tone", value: "ironic" });
  assert.deepEqual(now, { ...DEFAULT_STYLE, tone: "ironic" }, "returns the style as it is now");
  assert.deepEqual(await getStyle(db, USER), { ...DEFAULT_STYLE, tone: "ironic" });
  await setStyle(db, USER, { key: "personality", value: "coach" });
  await setStyle(db, USER, { key: "length", value: "detailed" });
  await setStyle(db, USER, { key: "length", value: "detailed" });
  assert.deepEqual(await getStyle(db, USER), {
    tone: "ironic",
    personality: "coach",
    length: "detailed",
  });
  const [n] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM user_settings");
  assert.equal(n?.n, 1);
});

Deno.test("setStyle refuses a value outside the options", async () => {
  await using db = await freshDb();
  await touchUser(db, { id: USER, first_name: "U" }, NOW);
  const rude = { key: "tone", value: "rude" } as unknown as Parameters<typeof setStyle>[2];
  await assert.rejects(() => setStyle(db, USER, rude), /Unknown tone rude/);
  assert.deepEqual(await getStyle(db, USER), DEFAULT_STYLE);
});

Deno.test("20 parallel changes leave exactly one row holding one of the values", async () => {
  await using db = await freshDb();
  await touchUser(db, { id: USER, first_name: "U" }, NOW);
  const tones = ["formal", "friendly", "ironic", "motivating"] as const;
  const lengths = ["brief", "medium", "detailed"] as const;
  await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) =>
        i % 2 === 0
          ? setStyle(db, USER, { key: "tone", value: tones[(i / 2) % tones.length]! })
          : setStyle(db, USER, { key: "length", value: lengths[((i - 1) / 2) % lengths.length]! }),
    ),
  );
  const rows = await db.query<{ tone: string; length: string }>(
    "SELECT tone, length FROM user_settings WHERE user_id = $1",
    [USER],
  );
  assert.equal(rows.length, 1);
  assert.ok(tones.includes(rows[0]!.tone as typeof tones[number]));
  assert.ok(lengths.includes(rows[0]!.length as typeof lengths[number]));
});

Deno.test("the guards accept the options and nothing else", () => {
  assert.ok(isTone("motivating") && isPersonality("mentor") && isLength("brief"));
  for (const v of ["rude", "therapist", "ultra", "", "toString", "__proto__", 1, undefined]) {
    assert.ok(!isTone(v) && !isPersonality(v) && !isLength(v), String(v));
  }
});
