// The production and the test bot side by side on one host: the same program with ENV=prod and
// ENV=test reads .env.prod and .env.test, and so uses its own token, Bot API, data directory and
// api port; neither sees the other's users.

import assert from "node:assert/strict";
import { type Running, spawnSoulbot } from "../harness/cli.ts";
import { startFakeBotApi } from "../harness/fake_bot_api.ts";
import { ALICE, BOB, Updates } from "../harness/telegram.ts";
import { createPgliteDb } from "../../src/db/pglite.ts";

const PROD_TOKEN = "111111:PRODprodPRODprodPRODprodPRODprod_xx";
const TEST_TOKEN = "222222:TESTtestTESTtestTESTtestTESTtest_yy";

async function users(dataDir: string): Promise<number[]> {
  const db = await createPgliteDb({ dataDir });
  try {
    return (await db.query<{ id: number }>("SELECT id FROM users ORDER BY id")).map((r) => r.id);
  } finally {
    await db.close();
  }
}

Deno.test("ENV=prod and ENV=test bots run side by side without touching each other", async () => {
  await using prodApi = startFakeBotApi();
  await using testApi = startFakeBotApi();
  const dir = await Deno.makeTempDir({ prefix: "soulbot_two_" });
  const envFile = (token: string, root: string, data: string, port: number) =>
    [
      `BOT_TOKEN=${token}`,
      `TELEGRAM_API_ROOT=${root}`,
      `DATA_DIR=${dir}/${data}`,
      `API_PORT=${port}`,
      "LOG_FORMAT=pretty",
    ].join("\n") + "\n";
  await Deno.writeTextFile(`${dir}/.env.prod`, envFile(PROD_TOKEN, prodApi.apiRoot, "prod", 18081));
  await Deno.writeTextFile(`${dir}/.env.test`, envFile(TEST_TOKEN, testApi.apiRoot, "test", 18082));
  const bots: Running[] = [];
  try {
    for (const env of ["prod", "test"]) {
      bots.push(spawnSoulbot(["bot"], { ENV: env }, dir));
    }
    for (const [i, env] of ["prod", "test"].entries()) {
      await bots[i]!.waitForLine(/^✅ Bot authorised as @\w+ and polling/, 60_000);
      assert.ok(
        bots[i]!.lines.some((l) => l.startsWith(`✅ Config loaded: ENV=${env} (.env.${env})`)),
      );
    }
    const u = new Updates();
    prodApi.push(u.command(ALICE, "/start"));
    testApi.push(u.command(BOB, "/start"));
    const replied = (calls: typeof prodApi.calls, id: number) =>
      calls.some((c) => c.method === "sendMessage:done" && c.payload.chat_id === id);
    await prodApi.waitFor((c) => replied(c, ALICE.id));
    await testApi.waitFor((c) => replied(c, BOB.id));
    assert.ok(!replied(prodApi.calls, BOB.id) && !replied(testApi.calls, ALICE.id));
    assert.deepEqual([...prodApi.tokens], [PROD_TOKEN]);
    assert.deepEqual([...testApi.tokens], [TEST_TOKEN]);
    for (const b of bots) b.kill("SIGTERM");
    for (const b of bots) assert.equal((await b.status).code, 0, b.lines.join("\n"));
    assert.deepEqual(await users(`${dir}/prod`), [ALICE.id]);
    assert.deepEqual(await users(`${dir}/test`), [BOB.id]);
    for (const b of bots) {
      assert.ok(!b.lines.some((l) => /^(ERROR|CRITICAL)/.test(l)), b.lines.join("\n"));
    }
  } finally {
    for (const b of bots) {
      try {
        b.kill("SIGKILL");
      } catch { /* already stopped */ }
      await b.status.catch(() => {});
    }
    await Deno.remove(dir, { recursive: true });
  }
});
