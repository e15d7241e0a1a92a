// The triage judge's prompt, schema and answer checking, with an in-memory model.

import assert from "node:assert/strict";
import { createJudge, judgeMessage, judgeSchema, loadJudgePrompt } from "./judge.ts";
import type { CompletionRequest, Llm } from "../llm/llm.ts";
import { verdict } from "../../tests/harness/judge.ts";

function fakeLlm(answer: string, seen: CompletionRequest[]): Llm {
  return {
    complete: (req) => {
      seen.push(req);
      return Promise.resolve({ text: answer, model: req.model, inputTokens: 1, outputTokens: 1 });
    },
    embed: () => Promise.reject(new Error("unused")),
    moderate: () => Promise.reject(new Error("unused")),
  };
}

const VERDICT = verdict({ tier: "acute", at_risk: "self", when: "now", reason: "imminent" });

Deno.test("the schema is strict: every field required, nothing else allowed", () => {
  const schema = judgeSchema() as {
    required: string[];
    properties: Record<string, unknown>;
    additionalProperties: boolean;
  };
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual([...schema.required].sort(), Object.keys(schema.properties).sort());
  assert.deepEqual([...schema.required].sort(), Object.keys(VERDICT).sort());
});

Deno.test("the prompt file names the three tiers and the frames", async () => {
  const prompt = await loadJudgePrompt();
  for (const word of ['"acute"', '"concern"', '"none"', "dream", "fiction", "past", "ANOTHER"]) {
    assert.ok(prompt.includes(word), word);
  }
});

Deno.test("the judge sends place, context and message, and parses the structured answer", async () => {
  const seen: CompletionRequest[] = [];
  const judge = createJudge(fakeLlm(JSON.stringify(VERDICT), seen), "gpt-4.1-nano", "PROMPT");
  const v = await judge.judge(
    { text: "я на крыше", place: "helper", recent: ["не хочу жить"] },
    AbortSignal.timeout(1000),
  );
  assert.deepEqual(v, VERDICT);
  const req = seen[0]!;
  assert.equal(req.model, "gpt-4.1-nano");
  assert.equal(req.json?.name, "safety_triage");
  assert.equal(req.messages[0]!.content, "PROMPT");
  assert.equal(
    req.messages[1]!.content,
    "Written in: the general conversation chat\n\nPrevious messages (oldest first):\n" +
      "- не хочу жить\n\nMessage to triage:\nя на крыше",
  );
});

Deno.test("an answer outside the schema is an error (the other layers then decide)", async () => {
  const bad = createJudge(fakeLlm(JSON.stringify({ ...VERDICT, tier: "high" }), []), "m", "P");
  await assert.rejects(
    bad.judge({ text: "x", place: "quiz", recent: [] }, AbortSignal.timeout(1000)),
  );
  const prose = createJudge(fakeLlm("I think it is acute", []), "m", "P");
  await assert.rejects(
    prose.judge({ text: "x", place: "quiz", recent: [] }, AbortSignal.timeout(1000)),
  );
});

Deno.test("no context is said plainly", () => {
  assert.match(
    judgeMessage({ text: "t", place: "soulsleep", recent: [] }),
    /dream.*\n\n.*\n\(none\)/s,
  );
});
