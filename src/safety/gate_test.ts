// The triage gate with an in-memory model: which layers are asked, in parallel and within the
// time limit, and what decides when one is slow or down.

import assert from "node:assert/strict";
import { createSafety } from "./gate.ts";
import { loadLexicon } from "./analyser.ts";
import { createJudge, type JudgeVerdict } from "./judge.ts";
import { verdict } from "../../tests/harness/judge.ts";
import type { Llm } from "../llm/llm.ts";
import { memoryLogger } from "../log.ts";

const lexicon = await loadLexicon();

const NONE = verdict();

interface Script {
  judge?: JudgeVerdict | "fail";
  judgeDelayMs?: number;
  moderation?: string[] | "fail";
}

function scriptedLlm(s: Script, calls: string[]): Llm {
  const wait = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      signal?.addEventListener("abort", () => {
        clearTimeout(t);
        reject(new Error("aborted"));
      }, { once: true });
    });
  return {
    async complete(req) {
      calls.push("judge");
      await wait(s.judgeDelayMs ?? 0, req.signal);
      if (s.judge === "fail" || !s.judge) throw new Error("judge down");
      return { text: JSON.stringify(s.judge), model: req.model, inputTokens: 1, outputTokens: 1 };
    },
    embed: () => Promise.reject(new Error("unused")),
    moderate() {
      calls.push("moderation");
      if (s.moderation === "fail") return Promise.reject(new Error("moderation down"));
      return Promise.resolve(s.moderation ?? []);
    },
  };
}

function gate(s: Script, timeoutMs = 200) {
  const calls: string[] = [];
  const log = memoryLogger("debug");
  const llm = scriptedLlm(s, calls);
  const safety = createSafety({
    lexicon,
    llm,
    moderationModel: "omni-moderation-latest",
    judge: createJudge(llm, "gpt-4.1-nano", "prompt"),
    timeoutMs,
    log,
  });
  return { safety, calls, log };
}

Deno.test("imminent danger is acute at once: no model is asked", async () => {
  const { safety, calls } = gate({ judge: NONE });
  const v = await safety.check({ text: "стою на крыше, сейчас прыгну", place: "helper" });
  assert.equal(v.tier, "acute");
  assert.equal(v.source, "analyser");
  assert.deepEqual(calls, []);
  assert.deepEqual(v.layers.judge, { skipped: "not_needed" });
});

Deno.test("moderation and the judge are asked together; the judge can raise to acute", async () => {
  const { safety, calls } = gate({
    judge: { ...NONE, tier: "acute", at_risk: "self", when: "soon", reason: "farewell" },
  });
  const v = await safety.check({ text: "спасибо тебе за всё", place: "helper" });
  assert.deepEqual(calls.sort(), ["judge", "moderation"]);
  assert.equal(v.tier, "acute");
  assert.equal(v.source, "judge");
});

Deno.test("a judge slower than the limit is left out: the other layers decide", async () => {
  const { safety, log } = gate({
    judge: NONE,
    judgeDelayMs: 5_000,
    moderation: ["self-harm/intent"],
  }, 100);
  const v = await safety.check({ text: "всё надоело", place: "helper" });
  assert.deepEqual(v.layers.judge, { skipped: "timeout" });
  assert.equal(v.tier, "acute");
  assert.equal(v.source, "moderation");
  assert.ok(log.lines.some((l) => l.startsWith("WARN Safety judge unavailable")));
});

Deno.test("moderation and the judge both down: the analyser alone decides", async () => {
  const { safety } = gate({ judge: "fail", moderation: "fail" });
  const acute = await safety.check({ text: "я решила покончить с собой", place: "helper" });
  assert.equal(acute.tier, "acute");
  assert.equal(acute.source, "analyser");
  assert.deepEqual(acute.layers.moderation, { skipped: "error" });
  assert.deepEqual(acute.layers.judge, { skipped: "error" });
  const calm = await safety.check({ text: "как перестать прокрастинировать?", place: "helper" });
  assert.equal(calm.tier, "none");
});

Deno.test("a dream the judge recognises stays a dream", async () => {
  const { safety } = gate({ judge: { ...NONE, dream: true, reason: "dream" } });
  const v = await safety.check({
    text: "снилось что я повесилась, к чему это",
    place: "soulsleep",
  });
  assert.equal(v.tier, "none");
});

Deno.test("begin: the analyser's verdict first, the other layers only when asked, once", async () => {
  const { safety, calls } = gate({
    judge: { ...NONE, tier: "acute", at_risk: "self", when: "soon", reason: "farewell" },
  });
  const checking = safety.begin({ text: "спасибо тебе за всё", place: "helper" });
  assert.equal(checking.settled, undefined);
  if (checking.settled) return;
  assert.equal(checking.analyser.tier, "none");
  assert.deepEqual(calls, [], "nothing asked before ask()");
  const [a, b] = await Promise.all([checking.ask(), checking.ask()]);
  assert.equal(a, b);
  assert.equal(a.tier, "acute");
  assert.deepEqual(calls.sort(), ["judge", "moderation"]);
});

Deno.test("begin: settled by the analyser alone on imminent danger or with no other layer", () => {
  const { safety } = gate({ judge: NONE });
  const imminent = safety.begin({ text: "стою на крыше, сейчас прыгну", place: "helper" });
  assert.equal(imminent.settled?.tier, "acute");
  const offline = createSafety({
    lexicon,
    llm: scriptedLlm({}, []),
    timeoutMs: 200,
    log: memoryLogger("debug"),
  });
  assert.equal(offline.online, false);
  const calm = offline.begin({ text: "как перестать прокрастинировать?", place: "helper" });
  assert.equal(calm.settled?.tier, "none");
  assert.deepEqual(calm.settled?.layers.moderation, { skipped: "off" });
  assert.equal(safety.online, true);
});
