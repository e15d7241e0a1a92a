// The embedded database's template: it is what the installed PGlite's initdb makes, a new data
// directory is unpacked from it and opens again as an existing one, an unpacking cut short is
// done again, and a template of another PGlite falls back to initdb with a warning.

import assert from "node:assert/strict";
import zlib from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { createPgliteDb } from "./pglite.ts";
import { readTemplate, tarEntries, unpackTemplate, VERSION_FILE } from "./pglite_template.ts";
import type { Queryable } from "./db.ts";
import { memoryLogger } from "../log.ts";

/** What makes two clusters the same to us: server, catalog, databases, objects, settings. */
async function fingerprint(db: Queryable): Promise<Record<string, unknown>> {
  const [row] = await db.query(`SELECT
    version() AS version,
    (SELECT catalog_version_no FROM pg_control_system()) AS catalog,
    (SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database) AS databases,
    (SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension) AS extensions,
    (SELECT md5(string_agg(proname || '(' || oidvectortypes(proargtypes) || ')', ','
       ORDER BY proname, oidvectortypes(proargtypes))) FROM pg_proc) AS functions,
    (SELECT md5(string_agg(n.nspname || '.' || c.relname, ',' ORDER BY n.nspname, c.relname))
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%') AS relations,
    (SELECT md5(string_agg(collname, ',' ORDER BY collname)) FROM pg_collation) AS collations,
    (SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_file_settings)
       AS settings,
    current_setting('server_encoding') AS encoding,
    (SELECT datcollate FROM pg_database WHERE datname = current_database()) AS collate`);
  return row!;
}

Deno.test("pglite template: the shipped one is what this PGlite's initdb makes (else run `deno task pglite:template`)", async () => {
  const log = memoryLogger("warn");
  const fromTemplate = await createPgliteDb({ log });
  const initdb = await createPgliteDb({ instance: await PGlite.create() });
  try {
    assert.deepEqual(log.lines, [], "the template did not start on this PGlite");
    assert.deepEqual(await fingerprint(fromTemplate), await fingerprint(initdb));
  } finally {
    await fromTemplate.close();
    await initdb.close();
  }
});

Deno.test("pglite template: a new data directory (this user's only) is unpacked from it, written to, and opens again with a 32 MB buffer pool", async () => {
  const root = await Deno.makeTempDir({ prefix: "soulbot_template_test_" });
  const dir = `${root}/data`;
  try {
    const log = memoryLogger("warn");
    const db = await createPgliteDb({ dataDir: dir, log });
    await db.exec("CREATE TABLE kept (id int PRIMARY KEY)");
    await db.query("INSERT INTO kept VALUES ($1)", [7]);
    await db.close();
    assert.deepEqual(log.lines, []);
    assert.equal((await Deno.readTextFile(`${dir}/${VERSION_FILE}`)).trim(), "18");
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    const again = await createPgliteDb({ dataDir: dir });
    try {
      assert.deepEqual(await again.query("SELECT id FROM kept"), [{ id: 7 }]);
      // The buffer pool src/db/pglite.ts asks for, not the 128 MB of the template's config.
      assert.deepEqual(await again.query("SHOW shared_buffers"), [{ shared_buffers: "32MB" }]);
    } finally {
      await again.close();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("pglite template: an unpacking cut short (no PG_VERSION yet) is done again", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_template_test_" });
  try {
    await unpackTemplate(dir, (await readTemplate())!);
    // As if the process died while writing: the last file is missing, another is half written.
    await Deno.remove(`${dir}/${VERSION_FILE}`);
    await Deno.writeFile(`${dir}/global/pg_control`, new Uint8Array(100));
    const db = await createPgliteDb({ dataDir: dir });
    try {
      assert.deepEqual(await db.query("SELECT 1 AS one"), [{ one: 1 }]);
    } finally {
      await db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pglite template: one another PGlite made falls back to initdb, with a warning", async () => {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_template_test_" });
  try {
    // The template as PostgreSQL 17 would have left it: this server refuses to start on it.
    const tar = (await readTemplate())!;
    for (const e of tarEntries(tar)) {
      if (e.path === VERSION_FILE) e.data.set(new TextEncoder().encode("17"));
    }
    const template = new URL(`file://${dir}/other.tar.br`);
    const fast = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } };
    await Deno.writeFile(template, zlib.brotliCompressSync(tar, fast));
    const data = `${dir}/data`;
    const log = memoryLogger("warn");
    const db = await createPgliteDb({ dataDir: data, template, log });
    try {
      assert.deepEqual(await db.query("SELECT 1 AS one"), [{ one: 1 }]);
    } finally {
      await db.close();
    }
    assert.equal(log.lines.length, 1);
    assert.match(log.lines[0]!, /template does not fit this PGlite.*deno task pglite:template/);
    assert.equal((await Deno.readTextFile(`${data}/${VERSION_FILE}`)).trim(), "18");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
