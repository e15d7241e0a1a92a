// Webhook mode end to end, every part a real process on one PostgreSQL server: `soulbot webhook
// set` points the fake Bot API at `soulbot api`'s receiver, the fake posts updates there as
// Telegram does, and two `soulbot worker` processes answer them — each once, each chat in order.
// A wrong secret token is refused (401) and stores nothing; `soulbot bot` refuses to poll while
// the webhook is set, saying why; no secret reaches any output.

import assert from "node:assert/strict";
import postgres from "postgres";
import { startFakeBotApi } from "../harness/fake_bot_api.ts";
import { type Running, runSoulbot, spawnSoulbot } from "../harness/cli.ts";
import { processDb, serverUrl } from "../harness/db.ts";
import { ALICE, BOB, TEST_TOKEN, Updates } from "../harness/telegram.ts";

const PATH_SECRET = "pathSECRET_0123456789abcdef";
const SECRET_TOKEN = "tokenSECRET_0123456789abcdef";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test({
  name: "webhook e2e: api receives, two workers answer each update once and in order",
  ignore: serverUrl() === undefined,
  async fn() {
    await using api = startFakeBotApi({ replyDelayMs: (t) => t.startsWith("Привет!") ? 300 : 0 });
    await using db = await processDb();
    const port = freePort();
    const env = {
      ...db.env,
      BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: api.apiRoot,
      LOG_FORMAT: "pretty",
      API_HOST: "127.0.0.1",
      API_PORT: String(port),
      WEBHOOK_URL: `http://127.0.0.1:${port}`,
      WEBHOOK_PATH_SECRET: PATH_SECRET,
      WEBHOOK_SECRET_TOKEN: SECRET_TOKEN,
    };
    const processes: Running[] = [];
    const start = (args: string[]) => {
      const p = spawnSoulbot(args, env);
      processes.push(p);
      return p;
    };
    const sql = postgres(db.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      const receiver = start(["api"]);
      await receiver.waitForLine(/^✅ API listening/, 60_000);
      await receiver.waitForLine(/^✅ Telegram webhook receiver on POST \/telegram\/\*\*\*/);

      const set = await runSoulbot(["webhook", "set"], env);
      assert.equal(set.code, 0, set.stderr);
      assert.match(
        set.stdout,
        new RegExp(`Webhook set: http://127.0.0.1:${port}/telegram/\\*\\*\\*`),
      );
      const info = await runSoulbot(["webhook", "info"], env);
      assert.equal(info.code, 0, info.stderr);
      assert.match(info.stdout, /URL: http:\/\/127\.0\.0\.1:\d+\/telegram\/\*\*\*/);
      assert.match(info.stdout, /Allowed updates: message, callback_query, my_chat_member/);
      const hook = api.calls.find((c) => c.method === "setWebhook")!;
      assert.equal(hook.payload.secret_token, SECRET_TOKEN);

      // Polling is refused while the webhook is set, with the way out.
      const poller = await runSoulbot(["bot"], env);
      assert.equal(poller.code, 1);
      assert.match(poller.stderr, /A webhook is set for this BOT_TOKEN.*soulbot webhook delete/s);

      // A request without the right secret token stores nothing.
      const u = new Updates();
      const forged = await fetch(`http://127.0.0.1:${port}/telegram/${PATH_SECRET}`, {
        method: "POST",
        headers: { "x-telegram-bot-api-secret-token": "not-the-token-0123456789" },
        body: JSON.stringify(u.command(ALICE, "/start")),
      });
      assert.equal(forged.status, 401);
      await forged.body?.cancel();
      const inbox = async () => (await sql`SELECT count(*)::int AS n FROM inbox`)[0]!.n;
      assert.equal(await inbox(), 0, "nothing stored for a forged request");

      const workers = [start(["worker"]), start(["worker"])];
      await Promise.all(
        workers.map((w) => w.waitForLine(/^✅ Worker \S+ working the inbox/, 60_000)),
      );
      const people = [ALICE, BOB, { id: 100_003, first_name: "Вера" }, {
        id: 100_004,
        first_name: "Лев",
      }];
      const batch = people.flatMap((p) => [u.command(p, "/start"), u.text(p, "второе")]);
      api.push(...batch);
      const done = () => api.calls.filter((c) => c.method === "sendMessage:done");
      await api.waitFor(() => done().length >= batch.length, 30_000).catch((err) => {
        throw new Error(`${err.message}\n${processes.flatMap((p) => p.lines).join("\n")}`);
      });
      for (const p of people) {
        const replies = done().filter((c) => c.payload.chat_id === p.id).map((c) =>
          String(c.payload.text)
        );
        assert.equal(replies.length, 2, `${p.first_name}: ${replies.join(" | ")}`);
        assert.match(replies[0]!, /^Привет!/, "the reply to /start comes first");
        assert.match(replies[1]!, /^⚠️/, "then the hint for the text sent at the consent step");
      }
      assert.deepEqual(
        api.deliveries.map((d) => d.status),
        batch.map(() => 200),
        "every delivery taken at once",
      );
      assert.equal(await inbox(), batch.length, "each update stored once");

      const removed = await runSoulbot(["webhook", "delete"], env);
      assert.equal(removed.code, 0, removed.stderr);
      assert.ok(api.calls.some((c) => c.method === "deleteWebhook"));

      for (const p of processes) p.kill("SIGTERM");
      for (const p of processes) {
        assert.equal((await p.status).code, 0, p.lines.join("\n"));
        assert.ok(!p.lines.some((l) => /^ERROR/.test(l)), p.lines.join("\n"));
      }
      const output = [
        ...processes.flatMap((p) => p.lines),
        set.stdout,
        set.stderr,
        info.stdout,
        poller.stderr,
      ].join("\n");
      assert.ok(!output.includes(PATH_SECRET), "the path secret is never printed");
      assert.ok(!output.includes(SECRET_TOKEN), "the secret token is never printed");
    } finally {
      for (const p of processes) {
        try {
          p.kill("SIGKILL");
        } catch { /* ended already */ }
      }
      await Promise.allSettled(processes.map((p) => p.status));
      await sql.end();
    }
  },
});
