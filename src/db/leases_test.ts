// Jobs with one owner among processes: a lease goes to one of many who ask at once, is free again
// when it ends or is given back, and withLease runs one job at a time. Two housekeepers on one
// database: each job runs once per period, whichever process it falls to. On PGlite and, with
// TEST_DATABASE_URL, on PostgreSQL with a connection per "process".

import assert from "node:assert/strict";
import { freshDb } from "../../tests/harness/db.ts";
import { createPostgresDb } from "./postgres.ts";
import type { Db } from "./db.ts";
import { createLogger, memoryLogger } from "../log.ts";
import { releaseLease, takeLease, withLease } from "./leases.ts";
import { startHousekeeping } from "../ops/housekeeping.ts";
import { createMetrics } from "../metrics/metrics.ts";
import type { Payments } from "../payments/service.ts";

/** `n` handles on the test database, as `n` processes would have (one each on a server). */
function handles(db: Db & { url?: string }, n: number): Db[] {
  if (!db.url) return Array.from({ length: n }, () => db);
  const log = createLogger({ level: "error" });
  return Array.from(
    { length: n },
    (_, i) => createPostgresDb({ url: db.url!, description: `process ${i}`, log, max: 2 }),
  );
}

Deno.test("leases: one of eight asking at once gets it; free again when given back or ended", async () => {
  await using db = await freshDb();
  const dbs = handles(db, 8);
  try {
    const got = await Promise.all(dbs.map((d, i) => takeLease(d, "job", `p${i}`, 60_000)));
    assert.equal(got.filter(Boolean).length, 1);
    const holder = `p${got.indexOf(true)}`;
    assert.ok(await takeLease(db, "job", holder, 60_000), "its holder may renew it");
    assert.ok(!await takeLease(db, "job", "other", 60_000));
    await releaseLease(db, "job", "other"); // not the holder: changes nothing
    assert.ok(!await takeLease(db, "job", "other", 60_000));
    await releaseLease(db, "job", holder);
    assert.ok(await takeLease(db, "job", "other", 1));
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(await takeLease(db, "job", "third", 60_000), "an ended lease is free");
  } finally {
    if (db.url) await Promise.all(dbs.map((d) => d.close()));
  }
});

Deno.test("leases: withLease runs one job at a time among processes, each once", async () => {
  await using db = await freshDb();
  const dbs = handles(db, 4);
  try {
    let inside = 0;
    let most = 0;
    let runs = 0;
    await Promise.all(
      dbs.map((d, i) =>
        withLease(d, "analysis:x", `p${i}`, { ms: 60_000, pollMs: 10 }, async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 30));
          runs++;
          inside--;
        })
      ),
    );
    assert.equal(most, 1, "never two at once");
    assert.equal(runs, 4, "each waited for its turn");
  } finally {
    if (db.url) await Promise.all(dbs.map((d) => d.close()));
  }
});

Deno.test("housekeeping: two processes on one database — each job runs once per period", async () => {
  await using db = await freshDb();
  const dbs = handles(db, 2);
  let expired = 0;
  const payments = { expire: () => Promise.resolve(++expired) } as unknown as Payments;
  try {
    const keepers = await Promise.all(dbs.map((d, i) =>
      startHousekeeping({
        db: d,
        log: memoryLogger(),
        metrics: createMetrics("bot"),
        payments,
        recoverAnswers: false,
        owner: `p${i}`,
      })
    ));
    assert.equal(expired, 1, "the expiry at start ran in one of the two");
    const [lease] = await db.query<{ owner: string }>(
      "SELECT owner FROM job_leases WHERE name = 'housekeeping:prune'",
    );
    assert.match(lease!.owner, /^p[01]$/, "and the pruning too, by one owner");
    for (const k of keepers) await k[Symbol.asyncDispose]();
  } finally {
    if (db.url) await Promise.all(dbs.map((d) => d.close()));
  }
});
