// Start-up against a database server that is not there: one log line per attempt, bounded by
// the deadline, then a clear error. And the embedded database's directory lock.

import assert from "node:assert/strict";
import { openDatabase } from "../../src/db/connect.ts";
import { createPgliteDb } from "../../src/db/pglite.ts";
import { memoryLogger } from "../../src/log.ts";
import { DatabaseError } from "../../src/errors.ts";
import { runSoulbot } from "../harness/cli.ts";

Deno.test("an unreachable server is retried with a log line per attempt, then reported", async () => {
  const log = memoryLogger();
  let clock = 0;
  const waits: number[] = [];
  await assert.rejects(
    () =>
      openDatabase(
        { kind: "postgres", url: "postgres://soul@127.0.0.1:1/none", display: "127.0.0.1:1/none" },
        {
          log,
          deadlineMs: 4_000,
          now: () => clock,
          sleep: (ms) => {
            waits.push(ms);
            clock += ms;
            return Promise.resolve();
          },
        },
      ),
    (err: unknown) => {
      assert.ok(err instanceof DatabaseError);
      assert.match(err.message, /Cannot connect to database postgres 127\.0\.0\.1:1\/none/);
      return true;
    },
  );
  const attempts = log.lines.filter((l) => l.startsWith("WARN Database not reachable"));
  assert.equal(attempts.length, waits.length);
  assert.ok(attempts.length >= 3, attempts.join("\n"));
  assert.match(attempts[0]!, /attempt 1\).*refused.*retrying in 0\.5 s/i);
  assert.deepEqual(waits.slice(0, 3), [500, 1000, 2000]);
  assert.ok(waits.reduce((a, b) => a + b, 0) <= 4_000);
});

Deno.test("a second process cannot open the same embedded data directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_lock_" });
  try {
    const db = await createPgliteDb({ dataDir: dir });
    try {
      await assert.rejects(() => createPgliteDb({ dataDir: dir }), /in use by process/);
    } finally {
      await db.close();
    }
    // A lock left by a process that has ended is taken over.
    await Deno.writeTextFile(`${dir}/soulbot.lock`, "999999999");
    const again = await createPgliteDb({ dataDir: dir });
    assert.deepEqual(await again.query("SELECT 1 AS one"), [{ one: 1 }]);
    await again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a lock left behind naming a live PID — this process's own, as after a container restart — does not refuse start-up", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_lock_" });
  try {
    for (const pid of [Deno.pid, 1]) {
      await Deno.writeTextFile(`${dir}/soulbot.lock`, String(pid));
      const db = await createPgliteDb({ dataDir: dir });
      assert.deepEqual(await db.query("SELECT 1 AS one"), [{ one: 1 }]);
      await db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a live second process is refused the embedded data directory, and names the holder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_lock_" });
  try {
    const db = await createPgliteDb({ dataDir: dir });
    try {
      const second = await runSoulbot(["migrate"], { DATA_DIR: dir });
      assert.notEqual(second.code, 0);
      assert.match(second.stderr + second.stdout, new RegExp(`in use by process ${Deno.pid}`));
    } finally {
      await db.close();
    }
    const after = await runSoulbot(["migrate"], { DATA_DIR: dir });
    assert.equal(after.code, 0, after.stderr + after.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
