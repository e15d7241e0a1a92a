// `soulbot safety-check`: the crisis triage as a filter, for operators and tests. JSON lines in
// ({"text", "context"}), one JSON line out per input with the tier and each layer's verdict.

import { z } from "zod";
import { parseCommandArgs } from "./args.ts";
import { type CliIo, type Command, EXIT_FAILURE, EXIT_OK } from "./command.ts";
import { loadCliConfig } from "./setup.ts";
import { createLogger } from "../log.ts";
import { createOpenAiLlm } from "../llm/openai.ts";
import type { Llm } from "../llm/llm.ts";
import { setUpSafety } from "../safety/setup.ts";
import type { Safety } from "../safety/gate.ts";
import { UsageError } from "../errors.ts";

const help = `Usage: soulbot safety-check [--offline] [--concurrency N]

Reads JSON lines from standard input, one message each:
  {"text": "...", "context": "helper" | "soulsleep" | "quiz", "recent": ["earlier message", ...]}
("context" defaults to helper; "recent" — the writer's previous messages, oldest first — is
optional) and writes one JSON line per input, in the same order:
  {"tier": "acute" | "concern" | "none", "source": "analyser" | "moderation" | "judge",
   "about": "self" | "other" | "none", "violence": false,
   "layers": {"analyser": {...}, "moderation": {...}, "judge": {...}}}
A line that is not such an object gets {"error": "..."}; the rest still run.

  --offline         only the deterministic analyser: no network, no configuration needed
  --concurrency N   messages checked at once when the model layers are on (default 8)

Without --offline, moderation (OPENAI_MODERATION_MODEL) and the triage judge
(OPENAI_SAFETY_MODEL) join when OPENAI_API_KEY is set, each bounded by SAFETY_TIMEOUT_MS.

Examples:
  echo '{"text": "снилось что я падаю с крыши", "context": "soulsleep"}' | soulbot safety-check --offline
  soulbot safety-check < messages.jsonl > verdicts.jsonl

Exit codes: 0 every line checked, 1 some line was invalid, 2 usage error.`;

const input = z.object({
  text: z.string().min(1),
  context: z.enum(["helper", "soulsleep", "quiz"]).default("helper"),
  recent: z.array(z.string()).default([]),
});

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    const parts = rest.split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest) yield rest;
}

/** Checks one input line; the answer is the output line. */
export async function checkLine(safety: Safety, line: string): Promise<Record<string, unknown>> {
  let parsed;
  try {
    parsed = input.safeParse(JSON.parse(line));
  } catch {
    return { error: "not JSON" };
  }
  if (!parsed.success) {
    return {
      error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    };
  }
  const { text, context, recent } = parsed.data;
  const v = await safety.check({ text, place: context, recent });
  return { tier: v.tier, source: v.source, about: v.about, violence: v.violence, layers: v.layers };
}

async function build(offline: boolean, io: CliIo): Promise<Safety> {
  const quiet = createLogger({ level: "warn", write: io.err });
  const none: Llm = {
    complete: () => Promise.reject(new Error("offline")),
    embed: () => Promise.reject(new Error("offline")),
    moderate: () => Promise.reject(new Error("offline")),
  };
  if (offline) return (await setUpSafety({ llm: none, timeoutMs: 0, log: quiet })).safety;
  const { config, log } = await loadCliConfig(io);
  const key = config.openai.apiKey;
  if (!key) log.warn("OPENAI_API_KEY is not set: the offline analyser decides alone");
  const llm = key
    ? createOpenAiLlm({
      apiKey: key,
      baseUrl: config.openai.baseUrl,
      timeoutMs: config.openai.timeoutMs,
      maxRetries: config.openai.maxRetries,
      log,
    })
    : none;
  return (await setUpSafety({
    llm,
    moderationModel: key ? config.openai.moderationModel : undefined,
    safetyModel: key ? config.openai.safetyModel : undefined,
    timeoutMs: config.openai.safetyTimeoutMs,
    log,
  })).safety;
}

export const command: Command = {
  name: "safety-check",
  summary: "crisis triage of JSON lines on stdin (--offline: the analyser alone)",
  help,
  async run(args, io) {
    const { values } = parseCommandArgs("safety-check", args, {
      offline: { type: "boolean" },
      concurrency: { type: "string" },
    });
    if (values.help) {
      io.out(help);
      return EXIT_OK;
    }
    const concurrency = Number(values.concurrency ?? 8);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new UsageError("soulbot safety-check: --concurrency must be a whole number 1–64");
    }
    if (!io.stdin) throw new UsageError("soulbot safety-check: no standard input");
    const safety = await build(values.offline === true, io);
    let invalid = 0;
    // Verdicts are written in input order; up to `concurrency` checks run at once.
    const pending: Promise<Record<string, unknown>>[] = [];
    const flush = async (keep: number) => {
      while (pending.length > keep) {
        const out = await pending.shift()!;
        if ("error" in out) invalid++;
        io.out(JSON.stringify(out));
      }
    };
    for await (const line of lines(io.stdin())) {
      if (!line.trim()) continue;
      pending.push(checkLine(safety, line));
      await flush(concurrency - 1);
    }
    await flush(0);
    return invalid ? EXIT_FAILURE : EXIT_OK;
  },
};
