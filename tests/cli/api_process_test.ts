// The api as a real process: it migrates, listens, answers /health, refuses a notification from
// an address off the allowlist, logs every request at info (health checks and scrapes too), and
// stops cleanly on SIGTERM.

import assert from "node:assert/strict";
import { spawnSoulbot } from "../harness/cli.ts";
import { TEST_TOKEN } from "../harness/telegram.ts";

Deno.test("api process: health, a refused notification, every request at info, SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_api_" });
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const api = spawnSoulbot(["api"], {
    DATA_DIR: dir,
    BOT_TOKEN: TEST_TOKEN,
    API_HOST: "127.0.0.1",
    API_PORT: String(port),
    LOG_FORMAT: "pretty",
    LOG_LEVEL: "info",
  });
  try {
    await api.waitForLine(/^✅ API listening on 127\.0\.0\.1:\d+/);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).migrations, "current");
    const refused = await fetch(`http://127.0.0.1:${port}/yookassa/notifications`, {
      method: "POST",
      body: "{}",
    });
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
    const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(scrape.status, 200);
    await scrape.body?.cancel();
    api.kill("SIGTERM");
    const status = await api.status;
    assert.equal(status.code, 0, api.lines.join("\n"));
    const requests = api.lines.filter((l) => l.startsWith("api request  "));
    for (
      const re of [
        /method=GET path=\/health status=200/,
        /method=POST path=\/yookassa\/notifications status=403/,
        /method=GET path=\/metrics status=200/,
      ]
    ) assert.ok(requests.some((l) => re.test(l)), `${re} at info in:\n${api.lines.join("\n")}`);
    assert.ok(!api.lines.some((l) => /^(ERROR|CRITICAL)/.test(l)), api.lines.join("\n"));
  } finally {
    await api.status.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
