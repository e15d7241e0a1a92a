// A grammY API transformer counting Bot API calls by method and outcome. Installed before
// auto-retry, it sees every real request, so each 429 and each retry is counted.

import type { Transformer } from "grammy";
import type { Metrics } from "../metrics/metrics.ts";

export function telegramMetrics(metrics: Metrics): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      const outcome = res.ok ? "ok" : res.error_code === 429 ? "rate_limited" : "error";
      metrics.telegramRequests.inc({ method, outcome });
      return res;
    } catch (err) {
      metrics.telegramRequests.inc({ method, outcome: "network" });
      throw err;
    }
  };
}
