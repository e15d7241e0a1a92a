// meteredLlm(llm, metrics, prices): the same Llm, with every OpenAI call counted by model,
// operation and outcome, timed, and its tokens and cost (from the price table) added up. A call
// its caller cancelled (LlmCancelledError) is "cancelled": the API reports no usage for a stream
// cut short, so its tokens and cost are not known and not added (one that had already finished is
// "ok" with its usage).

import { type Llm, LlmCancelledError, LlmUnavailableError } from "../llm/llm.ts";
import { costUsd, type PriceTable } from "../llm/pricing.ts";
import type { Metrics } from "./metrics.ts";

type Operation = "chat" | "embedding" | "moderation";

export function meteredLlm(llm: Llm, metrics: Metrics, prices: PriceTable): Llm {
  const call = async <T>(model: string, operation: Operation, run: () => Promise<T>) => {
    const end = metrics.openaiDuration.startTimer({ model, operation });
    try {
      const out = await run();
      metrics.openaiRequests.inc({ model, operation, outcome: "ok" });
      return out;
    } catch (err) {
      const outcome = err instanceof LlmUnavailableError
        ? "unavailable"
        : err instanceof LlmCancelledError
        ? "cancelled"
        : "error";
      metrics.openaiRequests.inc({ model, operation, outcome });
      throw err;
    } finally {
      end();
    }
  };
  return {
    async complete(req) {
      const result = await call(req.model, "chat", () => llm.complete(req));
      const model = req.model;
      metrics.openaiTokens.inc({ model, type: "input" }, result.inputTokens);
      metrics.openaiTokens.inc({ model, type: "output" }, result.outputTokens);
      const usd = costUsd(prices, result.model, result.inputTokens, result.outputTokens);
      if (usd !== undefined) metrics.openaiCost.inc({ model }, usd);
      return result;
    },
    embed: (req) => call(req.model, "embedding", () => llm.embed(req)),
    moderate: (req) => call(req.model, "moderation", () => llm.moderate(req)),
  };
}
