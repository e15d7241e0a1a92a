// The webhook receiver in-process (Hono's app.request) on a real database: an update with the
// right secrets is stored once and answered 200; a wrong token is 401 and a wrong path 404, both
// storing nothing; a body that is not an update is 400; a database that cannot store it is 503.
// The secret path never reaches the log.

import assert from "node:assert/strict";
import { createApi } from "./app.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { memoryLogger } from "../log.ts";
import type { Db } from "../db/db.ts";
import type { Payments } from "../payments/service.ts";
import { freshDb } from "../../tests/harness/db.ts";
import { ALICE, Updates } from "../../tests/harness/telegram.ts";
import { sameSecret } from "./webhook.ts";

const PATH = "path-secret-0123456789abcdef";
const TOKEN = "token-secret-0123456789abcdef";

function api(db: Db, log = memoryLogger()) {
  return createApi({
    db,
    log,
    migrations: [],
    payments: {} as Payments,
    notify: () => Promise.resolve(),
    allowed: () => false,
    trustedProxies: () => false,
    metrics: createMetrics("api"),
    webhook: { pathSecret: PATH, secretToken: TOKEN },
  });
}

const post = (body: unknown, token = TOKEN, path = PATH) => ({
  method: "POST",
  headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": token },
  body: typeof body === "string" ? body : JSON.stringify(body),
  path: `/telegram/${path}`,
});

async function send(app: ReturnType<typeof api>, r: ReturnType<typeof post>) {
  return await app.request(r.path, r);
}

Deno.test("webhook: stored once with the right secrets; refused and nothing stored otherwise", async () => {
  await using db = await freshDb();
  const log = memoryLogger();
  const app = api(db, log);
  const u = new Updates();
  const update = u.text(ALICE, "привет\u0000");
  const stored = () =>
    db.query<{ update_id: number; chat_key: string; status: string }>(
      "SELECT update_id, chat_key, status FROM inbox ORDER BY update_id",
    );

  assert.equal((await send(app, post(update, "wrong-token-0123456789"))).status, 401);
  assert.equal((await send(app, post(update, ""))).status, 401);
  assert.equal((await send(app, post(update, TOKEN, "wrong-path-0123456789"))).status, 404);
  assert.deepEqual(await stored(), [], "nothing stored for a refused request");

  const ok = await send(app, post(update));
  assert.equal(ok.status, 200);
  assert.equal((await send(app, post(update))).status, 200, "a redelivery is answered too");
  assert.deepEqual(await stored(), [{
    update_id: update.update_id,
    chat_key: String(ALICE.id),
    status: "pending",
  }]);
  const [row] = await db.query<{ text: string }>(
    "SELECT payload->'message'->>'text' AS text FROM inbox",
  );
  assert.equal(row?.text, "привет", "stored as the poller stores it: control characters gone");

  for (const bad of ["{not json", "[]", "{}", JSON.stringify({ update_id: -1 }), "null"]) {
    assert.equal((await send(app, post(bad))).status, 400, bad);
  }
  assert.equal((await stored()).length, 1);
  assert.ok(!log.lines.some((l) => l.includes(PATH) || l.includes(TOKEN)), log.lines.join("\n"));
  assert.ok(log.lines.some((l) => l.includes("/telegram/***")));
});

Deno.test("webhook: a database that cannot store the update answers 503", async () => {
  await using db = await freshDb();
  const broken: Db = {
    ...db,
    query: () =>
      Promise.reject(Object.assign(new Error("connection refused"), { code: "ECONNREFUSED" })),
  };
  const res = await send(api(broken), post(new Updates().text(ALICE, "привет")));
  assert.equal(res.status, 503);
});

Deno.test("webhook: without the secrets configured there is no receiver", async () => {
  await using db = await freshDb();
  const app = createApi({
    db,
    log: memoryLogger(),
    migrations: [],
    payments: {} as Payments,
    notify: () => Promise.resolve(),
    allowed: () => false,
    trustedProxies: () => false,
    metrics: createMetrics("api"),
  });
  assert.equal((await send(app, post(new Updates().text(ALICE, "привет")))).status, 404);
});

Deno.test("sameSecret: equal only when equal", () => {
  assert.ok(sameSecret(TOKEN, TOKEN));
  assert.ok(!sameSecret(TOKEN, `${TOKEN}x`));
  assert.ok(!sameSecret("", TOKEN));
  assert.ok(!sameSecret(TOKEN.replace("t", "T"), TOKEN));
});
