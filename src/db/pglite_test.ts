// The embedded database keeps what it committed when its process is killed: PGlite runs
// PostgreSQL with fsync off, but a data directory on disk is written through at once, so a commit
// that returned is in the operating system's hands (pglite.ts explains the options).

import assert from "node:assert/strict";
import { createPgliteDb } from "./pglite.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("pglite: what a process committed is there after it was killed (SIGKILL) just after", async () => {
  const root = await Deno.makeTempDir({ prefix: "soulbot_pglite_test_" });
  const dir = `${root}/data`;
  try {
    const code = `
      import { createPgliteDb } from ${
      JSON.stringify(new URL("./pglite.ts", import.meta.url).href)
    };
      const db = await createPgliteDb({ dataDir: ${JSON.stringify(dir)} });
      await db.exec("CREATE TABLE kept (id int PRIMARY KEY)");
      await db.transaction((tx) => tx.query("INSERT INTO kept VALUES ($1)", [1]));
      await db.query("INSERT INTO kept VALUES ($1)", [2]);
      console.log("committed");
      setInterval(() => {}, 1000); // never closes the database: it is killed
    `;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      cwd: ROOT,
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const out = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    for (let seen = ""; !seen.includes("committed");) {
      const { value, done } = await out.read();
      if (done) throw new Error("the child ended before it committed");
      seen += value;
    }
    child.kill("SIGKILL");
    await child.status;
    await out.cancel();
    const db = await createPgliteDb({ dataDir: dir });
    try {
      assert.deepEqual(await db.query("SELECT id FROM kept ORDER BY id"), [{ id: 1 }, { id: 2 }]);
    } finally {
      await db.close();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
