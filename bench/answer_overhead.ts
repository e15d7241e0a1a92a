// Benchmark: the bot's own time per assistant answer with a zero-latency OpenAI mock (database,
// prompt composition, streaming, Telegram calls recorded in memory), and the median prompt size
// of the answers recorded in the scenario fixtures. Prints figures; asserts nothing.
// Run: deno task bench:answer [answers]   (TEST_DATABASE_URL selects PostgreSQL, else PGlite)

import { startOpenAiMock } from "../tests/harness/openai_mock.ts";
import { onboard, startTestBot } from "../tests/harness/bot.ts";
import { ALICE, Updates } from "../tests/harness/telegram.ts";
import { type CountableMessage, loadTokenizer, messageTokens } from "../src/llm/tokens.ts";

await loadTokenizer();

const answers = Number(Deno.args[0] ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Tokens of one recorded prompt: chat `messages`, or a Responses `instructions` and `input`. */
function promptTokens(body: PromptBody): number {
  const items = body.messages ??
    (typeof body.input === "string" ? [{ content: body.input }] : body.input ?? []);
  const instructions = typeof body.instructions === "string"
    ? [{ content: body.instructions }]
    : [];
  return [...instructions, ...items].reduce((n, m) => n + messageTokens(m), 0);
}

interface PromptBody {
  messages?: CountableMessage[];
  input?: string | CountableMessage[];
  instructions?: string;
}

async function fixturePromptTokens(): Promise<number[]> {
  const dir = new URL("../fixtures/scenarios/", import.meta.url);
  const sizes: number[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const file = new URL(`${entry.name}/expected.json`, dir);
    const text = await Deno.readTextFile(file).catch(() => "[]"); // not generated yet
    const exchanges = JSON.parse(text) as Array<{
      openai?: Array<{ path: string; body: PromptBody }>;
    }>;
    for (const ex of exchanges) {
      for (const req of ex.openai ?? []) {
        // Prompts only: moderation and embeddings inputs are not.
        if (req.path !== "/v1/chat/completions" && req.path !== "/v1/responses") continue;
        sizes.push(promptTokens(req.body));
      }
    }
  }
  return sizes.sort((a, b) => a - b);
}

await using openai = await startOpenAiMock();
await using bot = await startTestBot({ openaiBaseUrl: openai.baseUrl, streamEditMs: 1000 });
const u = new Updates();
await onboard(bot, u, "/helper");
const reply = "Похоже, это важно для вас. **Что** вы чувствуете, когда думаете об этом?\n\n" +
  "Иногда помогает назвать чувство словами.";
const times: number[] = [];
for (let i = 0; i < answers; i++) {
  openai.script({ kind: "chat", text: reply });
  const started = performance.now();
  await bot.handle(u.text(ALICE, `Сообщение ${i}: мне тревожно перед завтрашним разговором.`));
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const tokens = await fixturePromptTokens();
console.log(`database: ${bot.db.kind}`);
console.log(
  `answers: ${answers}; per answer, mock latency 0: median ${
    percentile(times, 0.5).toFixed(1)
  } ms, ` +
    `p95 ${percentile(times, 0.95).toFixed(1)} ms, p99 ${percentile(times, 0.99).toFixed(1)} ms`,
);
console.log(
  `fixture prompts: ${tokens.length}; median ${percentile(tokens, 0.5)} tokens, ` +
    `max ${tokens.at(-1) ?? 0} tokens`,
);
