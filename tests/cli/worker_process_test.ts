// Several processes on one PostgreSQL server: a receiver that only polls (`bot --receive-only`)
// and two `soulbot worker` processes that only work the inbox — every update answered once, each
// chat in order, a clean stop that puts back nothing lost. And the embedded database refused for
// either, with the reason.

import assert from "node:assert/strict";
import postgres from "postgres";
import { startFakeBotApi } from "../harness/fake_bot_api.ts";
import { type Running, runSoulbot, spawnSoulbot } from "../harness/cli.ts";
import { processDb, serverUrl } from "../harness/db.ts";
import { ALICE, BOB, TEST_TOKEN, Updates } from "../harness/telegram.ts";

const server = serverUrl() !== undefined;

function start(args: string[], env: Record<string, string>, apiRoot: string): Running {
  return spawnSoulbot(args, {
    ...env,
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    LOG_FORMAT: "pretty",
  });
}

Deno.test("worker: the embedded database is refused, saying why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_data_" });
  const env = { DATA_DIR: dir, BOT_TOKEN: TEST_TOKEN };
  try {
    for (const args of [["worker"], ["bot", "--receive-only"]]) {
      const r = await runSoulbot(args, env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /needs a PostgreSQL server/);
      assert.match(r.stderr, /cannot be shared across processes/);
    }
    const bad = await runSoulbot(["worker", "--concurrency", "0"], env);
    assert.equal(bad.code, 2, bad.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "worker: a receiver that only polls and two workers — each update answered once, in order",
  ignore: !server,
  async fn() {
    // ALICE's first reply is slow: were her updates not handled in order across the two
    // workers, her second reply would overtake it.
    await using api = startFakeBotApi({ replyDelayMs: (t) => t.startsWith("Привет!") ? 400 : 0 });
    await using db = await processDb();
    const receiver = start(["bot", "--receive-only"], db.env, api.apiRoot);
    await receiver.waitForLine(/^✅ Bot authorised .* and polling \(receiving only/, 60_000);

    const u = new Updates();
    const first = u.command(ALICE, "/start");
    api.push(first);
    while (api.confirmed <= first.update_id) await new Promise((r) => setTimeout(r, 20));
    const sql = postgres(db.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql`SELECT status FROM inbox WHERE update_id = ${first.update_id}`;
      assert.equal(row?.status, "pending", "stored, and nobody works it yet");

      const workers = [0, 1].map(() => start(["worker"], db.env, api.apiRoot));
      await Promise.all(
        workers.map((w) => w.waitForLine(/^✅ Worker \S+ working the inbox/, 60_000)),
      );
      const people = [ALICE, BOB, { id: 100_003, first_name: "Вера" }, {
        id: 100_004,
        first_name: "Лев",
      }];
      api.push(u.text(ALICE, "второе"));
      api.push(...people.slice(1).flatMap((p) => [u.command(p, "/start"), u.text(p, "второе")]));
      const done = () => api.calls.filter((c) => c.method === "sendMessage:done");
      await api.waitFor(() => done().length >= 8, 30_000);
      for (const p of people) {
        const replies = done().filter((c) => c.payload.chat_id === p.id).map((c) =>
          String(c.payload.text)
        );
        assert.equal(replies.length, 2, `${p.first_name}: ${replies.join(" | ")}`);
        assert.match(replies[0]!, /^Привет!/, "the reply to /start comes first");
        assert.match(replies[1]!, /^⚠️/, "then the hint for the text sent at the consent step");
      }
      // The last replies are sent; their rows are marked done just after.
      for (let i = 0;; i++) {
        const [open] = await sql`SELECT count(*)::int AS n FROM inbox WHERE status <> 'done'`;
        if (open?.n === 0) break;
        assert.ok(i < 200, `${open?.n} update(s) still open`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const [byWorker] = await sql`SELECT count(DISTINCT worker)::int AS n FROM inbox`;
      assert.ok(byWorker!.n >= 1);

      for (const w of [...workers, receiver]) w.kill("SIGTERM");
      for (const w of workers) {
        assert.equal((await w.status).code, 0, w.lines.join("\n"));
        assert.ok(w.lines.some((l) => /^Worker stopped/.test(l)), w.lines.join("\n"));
        assert.ok(!w.lines.some((l) => /^ERROR/.test(l)), w.lines.join("\n"));
      }
      assert.equal((await receiver.status).code, 0, receiver.lines.join("\n"));
      assert.ok(
        !api.calls.some((c) => c.method === "deleteWebhook"),
        "polling never removes a webhook by itself",
      );
    } finally {
      await sql.end();
    }
  },
});

Deno.test({
  name: "worker: SIGTERM with an update in hand puts it back; another worker answers it once",
  ignore: !server,
  async fn() {
    await using api = startFakeBotApi();
    await using db = await processDb();
    const receiver = start(["bot", "--receive-only"], db.env, api.apiRoot);
    await receiver.waitForLine(/^✅ Bot authorised .* and polling \(receiving only/, 60_000);
    const first = start(["worker"], db.env, api.apiRoot);
    await first.waitForLine(/^✅ Worker \S+ working the inbox/, 60_000);
    // Its reply hangs: the update is in hand when the stop comes.
    api.holdReplies(true);
    const u = new Updates();
    api.push(u.command(ALICE, "/start"));
    await api.waitFor((c) => c.some((x) => x.method === "sendMessage"));
    first.kill("SIGTERM");
    assert.equal((await first.status).code, 0, first.lines.join("\n"));
    assert.ok(
      first.lines.some((l) => /put back for another worker/.test(l)),
      first.lines.join("\n"),
    );
    // The reply it had started never reached Telegram.
    api.dropHeldReplies();
    api.holdReplies(false);

    const second = start(["worker"], db.env, api.apiRoot);
    const done = () => api.calls.filter((c) => c.method === "sendMessage:done");
    await api.waitFor(() => done().length >= 1, 30_000);
    assert.match(String(done()[0]!.payload.text), /^Привет!/);
    for (const p of [second, receiver]) p.kill("SIGTERM");
    for (const p of [second, receiver]) {
      assert.equal((await p.status).code, 0, p.lines.join("\n"));
    }
    assert.equal(done().length, 1, "answered once");
    assert.ok(
      !second.lines.some((l) => /left unfinished/.test(l)),
      "it was put back, not left to its lease",
    );
  },
});
