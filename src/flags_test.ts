// Tests for feature flag parsing and the stable per-user percentage rollout.

import assert from "node:assert/strict";
import {
  describeFlag,
  type Flag,
  FLAG_NAMES,
  flagOn,
  isEnabled,
  parseFlag,
  rolloutBucket,
} from "./flags.ts";

Deno.test("parseFlag accepts the boolean words in any case, trimmed", () => {
  for (const raw of ["true", "on", "1", "yes", " TRUE ", "Yes", "ON"]) {
    assert.deepEqual(parseFlag(raw), { mode: "on" }, raw);
  }
  for (const raw of ["false", "off", "0", "no", " False", "NO "]) {
    assert.deepEqual(parseFlag(raw), { mode: "off" }, raw);
  }
});

Deno.test("parseFlag accepts percentages from 0 to 100", () => {
  assert.deepEqual(parseFlag("25%"), { mode: "percent", percent: 25 });
  assert.deepEqual(parseFlag(" 12.5% "), { mode: "percent", percent: 12.5 });
  assert.deepEqual(parseFlag("100%"), { mode: "percent", percent: 100 });
  assert.deepEqual(parseFlag("0%"), { mode: "off" });
});

Deno.test("parseFlag rejects anything else", () => {
  for (const raw of ["", "maybe", "2", "25", "101%", "-5%", "%", "25%%", "1e2%", "abc%", "on%"]) {
    assert.equal(parseFlag(raw), undefined, raw);
  }
});

Deno.test("describeFlag", () => {
  assert.equal(describeFlag({ mode: "on" }), "on");
  assert.equal(describeFlag({ mode: "off" }), "off");
  assert.equal(describeFlag({ mode: "percent", percent: 25 }), "25%");
  assert.equal(describeFlag({ mode: "percent", percent: 12.5 }), "12.5%");
});

Deno.test("isEnabled for on and off ignores the user", () => {
  assert.equal(isEnabled({ mode: "on" }, "X"), true);
  assert.equal(isEnabled({ mode: "on" }, "X", 42), true);
  assert.equal(isEnabled({ mode: "off" }, "X"), false);
  assert.equal(isEnabled({ mode: "off" }, "X", 42), false);
});

Deno.test("a percentage flag without a user id is off unless it is 100%", () => {
  assert.equal(isEnabled({ mode: "percent", percent: 99.9 }, "X"), false);
  assert.equal(isEnabled({ mode: "percent", percent: 100 }, "X"), true);
  assert.equal(isEnabled({ mode: "percent", percent: 100 }, "X", 7), true);
});

Deno.test("percentage rollout is stable per user and roughly proportional", () => {
  const flag: Flag = { mode: "percent", percent: 25 };
  let enabled = 0;
  for (let id = 1; id <= 10_000; id++) {
    const first = isEnabled(flag, "ENABLE_ADAPTIVE_QUIZ", id);
    assert.equal(isEnabled(flag, "ENABLE_ADAPTIVE_QUIZ", id), first);
    if (first) enabled++;
  }
  assert.ok(enabled >= 2300 && enabled <= 2700, `25% enabled ${enabled} of 10000`);

  // Large, realistic Telegram ids are spread too.
  let large = 0;
  for (let i = 0; i < 10_000; i++) {
    if (
      isEnabled({ mode: "percent", percent: 10 }, "USE_CHAT_COMPLETION", 5_000_000_000 + i * 7919)
    ) {
      large++;
    }
  }
  assert.ok(large >= 850 && large <= 1150, `10% enabled ${large} of 10000`);
});

Deno.test("raising the percentage only adds users", () => {
  for (let id = 1; id <= 2_000; id++) {
    if (isEnabled({ mode: "percent", percent: 10 }, "F", id)) {
      assert.ok(isEnabled({ mode: "percent", percent: 30 }, "F", id), `user ${id}`);
    }
  }
});

Deno.test("different flags roll out to different users", () => {
  let same = 0;
  for (let id = 1; id <= 1_000; id++) {
    if (rolloutBucket("A", id) === rolloutBucket("B", id)) same++;
  }
  assert.ok(same < 10, `${same} identical buckets`);
});

Deno.test("buckets are pinned: changing the hash would reshuffle every running rollout", () => {
  assert.equal(rolloutBucket("ENABLE_ADAPTIVE_QUIZ", 123456789), 5975);
  assert.equal(rolloutBucket("USE_CHAT_COMPLETION", 1), 1011);
});

Deno.test("flagOn rolls a flag out under its own variable name", () => {
  const flags = {
    useChatCompletion: { mode: "percent", percent: 30 },
    enableStyleSettings: { mode: "on" },
    enablePatternAnalysis: { mode: "off" },
    enableAdaptiveQuiz: { mode: "percent", percent: 30 },
  } as const;
  let differ = 0;
  for (let id = 1; id <= 1_000; id++) {
    const chat = flagOn(flags, "useChatCompletion", id);
    assert.equal(chat, isEnabled(flags.useChatCompletion, "USE_CHAT_COMPLETION", id));
    const quiz = flagOn(flags, "enableAdaptiveQuiz", id);
    assert.equal(quiz, isEnabled(flags.enableAdaptiveQuiz, FLAG_NAMES.enableAdaptiveQuiz, id));
    if (chat !== quiz) differ++;
  }
  assert.ok(differ > 100, `same users for both flags (${differ} differ)`);
  assert.equal(flagOn(flags, "enableStyleSettings"), true);
  assert.equal(flagOn(flags, "enablePatternAnalysis", 7), false);
  // Any object holding the flag will do, e.g. the bot's services with only some flags.
  assert.equal(flagOn({ useChatCompletion: { mode: "on" } }, "useChatCompletion", 1), true);
  // @ts-expect-error: a misspelt flag does not compile
  assert.throws(() => flagOn(flags, "useChatCompletions", 1));
  // @ts-expect-error: nor does a flag the object does not hold
  assert.throws(() => flagOn({ enableStyleSettings: { mode: "on" } }, "useChatCompletion", 1));
});
