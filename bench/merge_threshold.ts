// How well the merge rule tells "the same pattern" from "a different one" on the labelled pairs
// in fixtures/patterns/pairs.json: precision and recall of the lexical measure at a range of
// thresholds (and of embedding cosine similarity too when OPENAI_API_KEY is set and the API is
// reachable). Run: deno task eval:merge

import {
  cosine,
  EMBEDDING_THRESHOLD,
  embeddingText,
  LEXICAL_THRESHOLD,
  lexicalSimilarity,
} from "../src/patterns/similarity.ts";
import { loadPairs, type Scored, sweep } from "../src/patterns/pairs.ts";
import { createOpenAiLlm } from "../src/llm/openai.ts";
import { createLogger } from "../src/log.ts";

const pairs = await loadPairs();
const same = pairs.filter((p) => p.same).length;
console.log(`${pairs.length} labelled pairs (${same} same, ${pairs.length - same} different)`);

function table(name: string, scored: Scored[], from: number, to: number, chosen: number) {
  console.log(`\n${name}: threshold  precision  recall`);
  for (let t = from; t <= to + 1e-9; t += 0.02) {
    const r = sweep(scored, t);
    const mark = Math.abs(t - chosen) < 0.01 ? "  ← used" : "";
    console.log(
      `  ${t.toFixed(2)}       ${r.precision.toFixed(2)}       ${r.recall.toFixed(2)}${mark}`,
    );
  }
}

const lexical = pairs.map((p) => ({ same: p.same, score: lexicalSimilarity(p.a, p.b) }));
table("lexical", lexical, 0.2, 0.5, LEXICAL_THRESHOLD);

const key = Deno.env.get("OPENAI_API_KEY");
if (!key) {
  console.log("\nembeddings: skipped (set OPENAI_API_KEY to measure them on the same pairs)");
} else {
  const llm = createOpenAiLlm({
    apiKey: key,
    baseUrl: Deno.env.get("OPENAI_BASE_URL") || undefined,
    timeoutMs: 30_000,
    maxRetries: 1,
    log: createLogger({ level: "warn" }),
  });
  const model = Deno.env.get("OPENAI_EMBEDDING_MODEL") ?? "text-embedding-3-small";
  const texts = pairs.flatMap((p) => [embeddingText(p.a), embeddingText(p.b)]);
  const vectors = await llm.embed({ model, input: texts });
  const scored = pairs.map((p, i) => ({
    same: p.same,
    score: cosine(vectors[2 * i]!, vectors[2 * i + 1]!),
  }));
  table(`embeddings (${model})`, scored, 0.4, 0.9, EMBEDDING_THRESHOLD);
}
