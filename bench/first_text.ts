// Benchmark: how long after the model's first token the first text of an answer is visible, with
// the crisis triage's moderation off and on (a mock moderation answering in 150 ms) and a mock
// model with a fixed time to first token. The figure is the user's view: from the moment the
// update is handed to the bot until the first draft or message of the answer reaches the (in
// memory) Bot API, minus the model's time to first token — so it holds everything the bot puts
// in front of the model or behind it (inbox, database, triage, streaming). Prints figures;
// asserts nothing.
// Run: deno task bench:first-text [answers per case] [model ms to first token, comma-separated]
// (TEST_DATABASE_URL selects PostgreSQL, else PGlite)

import { startOpenAiMock } from "../tests/harness/openai_mock.ts";
import { onboard, startTestBot } from "../tests/harness/bot.ts";
import { ALICE, Updates } from "../tests/harness/telegram.ts";

const answers = Number(Deno.args[0] ?? 20);
const ttfts = (Deno.args[1] ?? "300,50").split(",").map(Number);
const MODERATION_MS = 150;
const REPLY = "Похоже, это важно для вас. Что вы чувствуете, когда думаете об этом?";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Overheads (ms beyond the model's first token) of `answers` answers in one configuration. */
async function run(moderation: boolean, ttftMs: number): Promise<number[]> {
  await using openai = await startOpenAiMock();
  await using bot = await startTestBot({
    openaiBaseUrl: openai.baseUrl,
    moderationModel: moderation ? "omni-moderation-latest" : undefined,
    freeDailyMessages: 100_000,
    // The safety time budget must not cut the mock moderation short.
    safetyTimeoutMs: 5_000,
  });
  const u = new Updates();
  await onboard(bot, u, "/helper");
  let firstText: number | undefined;
  // Installed last, so it sees each call first: the moment the bot asks to show the answer.
  bot.bot.api.config.use((prev, method, payload, signal) => {
    if (method === "sendMessageDraft" || method === "sendMessage") {
      firstText ??= performance.now();
    }
    return prev(method, payload, signal);
  });
  const out: number[] = [];
  for (let i = -2; i < answers; i++) { // two warm-up answers, not counted
    if (moderation) {
      openai.script({ kind: "moderations", flagged: false, delayMs: MODERATION_MS });
    }
    openai.script({ kind: "chat", text: REPLY, delayMs: ttftMs });
    firstText = undefined;
    const started = performance.now();
    await bot.handle(u.text(ALICE, `Сообщение ${i}: мне тревожно перед завтрашним разговором.`));
    if (firstText === undefined) throw new Error("The answer was never shown");
    if (i >= 0) out.push(firstText - started - ttftMs);
  }
  if (openai.unscripted || openai.pending()) throw new Error("The mock was not used as scripted");
  return out.sort((a, b) => a - b);
}

console.log(`database: ${Deno.env.get("TEST_DATABASE_URL") ? "postgres" : "pglite"}`);
for (const ttft of ttfts) {
  for (const moderation of [false, true]) {
    const times = await run(moderation, ttft);
    const label = moderation ? `moderation on (${MODERATION_MS} ms)` : "moderation off";
    console.log(
      `model first token ${ttft} ms, ${label}: first text beyond the model's first token ` +
        `p50 ${percentile(times, 0.5).toFixed(0)} ms, p95 ${
          percentile(times, 0.95).toFixed(0)
        } ms` +
        ` (${times.length} answers)`,
    );
  }
}
