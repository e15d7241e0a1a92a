// /my_profile's edges: stored model output shown as HTML only after escaping, which patterns make
// the cut, another user's profile, a row left by a failed analysis, and a percentage rollout.

import assert from "node:assert/strict";
import { onboard, onboardAs, startTestBot, type TestBot } from "../../../tests/harness/bot.ts";
import { ALICE, BOB, Updates } from "../../../tests/harness/telegram.ts";
import { PROFILE_EMPTY, PROFILE_OFF } from "./psy_profile.ts";
import { BACK_TO_MENU, BACK_TO_PROFILE, MENU, PROFILE } from "../nav.ts";
import type { Insight, Pattern } from "../../patterns/profile.ts";
import { setRetry } from "../../patterns/store.ts";
import { rolloutBucket } from "../../flags.ts";

const ON = { enablePatternAnalysis: { mode: "on" as const } };

function pattern(title: string, confidence: number, extra: Partial<Pattern> = {}): Pattern {
  return {
    id: crypto.randomUUID(),
    type: "behavioral",
    title,
    description: `Описание: ${title}`,
    evidence: [`слова про ${title}`],
    confidence,
    tags: [],
    occurrences: 2,
    source: "chat",
    status: "active",
    first_detected: "2026-11-20T09:00:00Z",
    last_detected: "2026-11-23T09:00:00Z",
    ...extra,
  };
}

async function saveProfile(
  t: TestBot,
  userId: number,
  patterns: Pattern[],
  insights: Insight[] = [],
  state: Record<string, string> | null = null,
) {
  await t.db.query(
    `INSERT INTO user_profiles (user_id, patterns, insights, emotional_state)
     VALUES ($1, $2, $3, $4)`,
    [userId, patterns, insights, state],
  );
}

Deno.test("psy_profile: titles, descriptions, the user's quoted words, insights and mood are HTML-escaped", async () => {
  await using t = await startTestBot({ flags: ON });
  const u = new Updates();
  await onboard(t, u);
  await saveProfile(
    t,
    ALICE.id,
    [pattern("Молчу <b>в ответ</b>", 0.8, {
      description: "Когда мама & начальник критикуют",
      evidence: ["<i>не хочу</i> спорить"],
    })],
    [{
      title: "Страх <конфликта>",
      text: "Согласие <b>любой ценой</b>",
      recommendation: "Попробуйте сказать «нет» & заметить, что будет",
      created_at: "2026-11-23T09:00:00Z",
    }],
    { mood: "<злость>", stress: "high", energy: "low", updated_at: "2026-11-23T09:00:00Z" },
  );
  await t.send(u.command(ALICE, "/my_profile"));
  const [text] = t.api.texts();
  for (
    const escaped of [
      "<b>Молчу &lt;b&gt;в ответ&lt;/b&gt;</b> · 80% · замечено 2 раза",
      "Когда мама &amp; начальник критикуют",
      "<i>«&lt;i&gt;не хочу&lt;/i&gt; спорить»</i>",
      "💡 <b>Страх &lt;конфликта&gt;</b> — Согласие &lt;b&gt;любой ценой&lt;/b&gt;",
      "→ Попробуйте сказать «нет» &amp; заметить, что будет",
      "Настроение: &lt;злость&gt; · стресс: высокий · энергия: мало",
    ]
  ) assert.ok(text!.includes(escaped), escaped);
  assert.equal(t.api.of("sendMessage")[0]!.parse_mode, "HTML");
});

Deno.test("psy_profile: only active patterns are shown, at most five, the most confident first", async () => {
  await using t = await startTestBot({ flags: ON });
  const u = new Updates();
  await onboard(t, u);
  await saveProfile(t, ALICE.id, [
    pattern("Сорок", 0.4),
    pattern("Семьдесят", 0.7),
    pattern("Бывший", 0.99, { status: "retired" }),
    pattern("Девяносто", 0.9),
    pattern("Пятьдесят", 0.5),
    pattern("Восемьдесят", 0.8),
    pattern("Шестьдесят", 0.6),
  ]);
  await t.send(u.command(ALICE, "/my_profile"));
  const [text] = t.api.texts();
  const shown = [...text!.matchAll(/^\d+\. <b>([^<]+)<\/b> · (\d+)%/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(shown, [
    ["Девяносто", "90"],
    ["Восемьдесят", "80"],
    ["Семьдесят", "70"],
    ["Шестьдесят", "60"],
    ["Пятьдесят", "50"],
  ]);
  assert.ok(!text!.includes("Бывший"), "a retired pattern is not shown");
  assert.ok(!text!.includes("Сорок"), "the sixth is left out");
});

Deno.test("psy_profile: another user's profile is never shown: Bob gets the empty state while Alice has patterns", async () => {
  await using t = await startTestBot({ flags: ON });
  const u = new Updates();
  await onboard(t, u);
  await onboardAs(t, u, BOB);
  await saveProfile(t, ALICE.id, [pattern("Алисин сценарий", 0.7)]);
  await t.send(u.command(BOB, "/my_profile"), u.callback(BOB, PROFILE.psychological, 102));
  assert.deepEqual(t.api.texts(), [PROFILE_EMPTY, PROFILE_EMPTY]);
  // The way back matches where the screen was opened from.
  const [fromCommand, fromProfile] = [t.api.of("sendMessage")[0], t.api.of("editMessageText")[0]];
  assert.ok(JSON.stringify(fromCommand!.reply_markup).includes(MENU.main));
  assert.ok(JSON.stringify(fromCommand!.reply_markup).includes(BACK_TO_MENU));
  assert.ok(JSON.stringify(fromProfile!.reply_markup).includes(PROFILE.show));
  assert.ok(JSON.stringify(fromProfile!.reply_markup).includes(BACK_TO_PROFILE));
  t.api.clear();
  await t.send(u.command(ALICE, "/my_profile"));
  assert.ok(t.api.texts()[0]!.includes("<b>Алисин сценарий</b>"));
});

Deno.test("psy_profile: a profile row left by a failed analysis, with nothing found yet, shows the friendly empty state", async () => {
  await using t = await startTestBot({ flags: ON });
  const u = new Updates();
  await onboard(t, u);
  await setRetry(t.db, ALICE.id, "quick", "helper");
  await t.send(u.command(ALICE, "/my_profile"));
  assert.deepEqual(t.api.texts(), [PROFILE_EMPTY]);
  assert.ok(!t.log.lines.some((l) => l.startsWith("ERROR")));
});

Deno.test("psy_profile: with analysis rolled out to a percentage, a user outside it gets the explanation and one inside the profile", async () => {
  const a = rolloutBucket("ENABLE_PATTERN_ANALYSIS", ALICE.id);
  const b = rolloutBucket("ENABLE_PATTERN_ANALYSIS", BOB.id);
  assert.notEqual(a, b);
  // Buckets are 0..9999: the percentage whose threshold lies just above the lower bucket.
  const percent = (Math.min(a, b) + 1) / 100;
  await using t = await startTestBot({
    flags: { enablePatternAnalysis: { mode: "percent", percent } },
  });
  const u = new Updates();
  await onboard(t, u);
  await onboardAs(t, u, BOB);
  await saveProfile(t, ALICE.id, [pattern("Чей-то сценарий", 0.7)]);
  await saveProfile(t, BOB.id, [pattern("Чей-то сценарий", 0.7)]);
  const [inside, outside] = a < b ? [ALICE, BOB] : [BOB, ALICE];
  await t.send(u.command(inside, "/my_profile"), u.command(outside, "/my_profile"));
  const [first, second] = t.api.texts();
  assert.ok(first!.includes("<b>Чей-то сценарий</b>"), "inside the rollout");
  assert.equal(second, PROFILE_OFF, "outside the rollout");
});
