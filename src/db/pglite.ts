// Embedded backend of the Db interface: PGlite (PostgreSQL compiled to WASM) through its direct
// API, on disk under DATA_DIR or in memory for tests. An OS lock on a file in the directory keeps
// a second process out of it, which would corrupt it.

import { PGlite } from "@electric-sql/pglite";
import type { Db, Queryable, Row } from "./db.ts";
import { readTemplate, TEMPLATE_URL, unpackTemplate, VERSION_FILE } from "./pglite_template.ts";
import { DatabaseError } from "../errors.ts";
import type { Logger } from "../log.ts";

export interface PgliteOptions {
  /** A directory, or undefined for an in-memory database. */
  dataDir?: string;
  /** An existing instance to wrap (tests clone a migrated template). */
  instance?: PGlite;
  /** Told when the shipped template did not fit and PGlite's initdb made the database instead. */
  log?: Logger;
  /** The template a new database starts from (pglite_template.ts); tests give another. */
  template?: URL;
}

// PostgreSQL's buffer pool at 32 MB instead of the 128 MB of initdb's postgresql.conf: PGlite
// touches all of it at start, so this is ~110 MB less resident memory from the first second
// (~100 MB less after opening and after work). A page not in the pool is read through the
// operating system's file cache: reads and updates spread over a table 2.5 times the pool's size
// cost 2–7% more CPU per statement (up to 20% in a run on a busy machine); rows that fit in the
// pool cost nothing more (`deno task bench:pglite-buffers`, README).
const OPTIONS = {
  startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"],
};

// Options of PGlite left at their defaults, and why:
// - relaxedDurability only changes when PGlite copies its in-memory files to IndexedDB or OPFS
//   (browsers). A directory on disk is mounted as it is: every write PostgreSQL makes goes to
//   the file at once, so a commit is in the operating system's hands when it returns and a
//   crash of this process loses nothing committed. (PGlite runs PostgreSQL with fsync off
//   (`-F`): a power cut or a crash of the machine can lose the last commits — the embedded
//   database is for small and single-host setups; PostgreSQL is for anything else.)
// - initialMemory cannot go below the 128 MB PostgreSQL's WASM build declares; untouched pages
//   of it take no resident memory anyway.
// - loadDataDir unpacks a tarball through the WASM file system, several times slower than
//   writing the same files first (openDataDir), after which PGlite finds an existing database.

export async function createPgliteDb(opts: PgliteOptions): Promise<Db> {
  let release = async () => {};
  let pg = opts.instance;
  if (!pg) {
    if (opts.dataDir) {
      // Only this user may enter a new data directory: PGlite makes its files readable by all.
      await Deno.mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
      release = await lockDataDir(opts.dataDir);
    }
    try {
      pg = opts.dataDir ? await openDataDir(opts.dataDir, opts) : await openInMemory(opts);
    } catch (err) {
      await release();
      throw new DatabaseError(`Cannot open embedded database at ${opts.dataDir}`, { cause: err });
    }
  }
  const instance = pg;
  const wrap = (q: Pick<PGlite, "query" | "exec">): Queryable => ({
    query: async <T = Row>(text: string, params: readonly unknown[] = []) =>
      (await q.query<T>(text, params as unknown[])).rows,
    exec: async (script: string) => {
      await q.exec(script);
    },
  });
  return {
    kind: "pglite",
    description: opts.dataDir ? `embedded PGlite at ${opts.dataDir}` : "embedded PGlite in memory",
    ...wrap(instance),
    transaction: (fn) => instance.transaction((tx) => fn(wrap(tx))),
    async listen(channel: string, onNotify: () => void) {
      const stop = await instance.listen(channel, () => onNotify());
      return async () => {
        if (!instance.closed) await stop();
      };
    },
    async close() {
      if (!instance.closed) await instance.close();
      await release();
    },
  };
}

/** Opens the database in `dir`, unpacking the template first when there is none yet. */
async function openDataDir(dir: string, opts: PgliteOptions): Promise<PGlite> {
  const exists = await Deno.stat(`${dir}/${VERSION_FILE}`).then(() => true, () => false);
  const tar = exists ? undefined : await readTemplate(opts.template ?? TEMPLATE_URL);
  if (!tar) return await PGlite.create(dir, OPTIONS);
  const unpacked = await unpackTemplate(dir, tar);
  try {
    return await PGlite.create(dir, OPTIONS);
  } catch (err) {
    // A template made by another PGlite (upgraded without `deno task pglite:template`): take back
    // what was unpacked (a directory without PG_VERSION held no database) and let initdb make it.
    templateMisfit(opts, err);
    for (const name of unpacked) await Deno.remove(`${dir}/${name}`, { recursive: true });
    return await PGlite.create(dir, OPTIONS);
  }
}

async function openInMemory(opts: PgliteOptions): Promise<PGlite> {
  const tar = await readTemplate(opts.template ?? TEMPLATE_URL);
  if (!tar) return await PGlite.create(OPTIONS);
  try {
    return await PGlite.create({ ...OPTIONS, loadDataDir: new Blob([tar]) });
  } catch (err) {
    templateMisfit(opts, err);
    return await PGlite.create(OPTIONS);
  }
}

function templateMisfit(opts: PgliteOptions, err: unknown): void {
  opts.log?.warn(
    "The embedded database template does not fit this PGlite; making the database with " +
      "initdb instead (slower). Run `deno task pglite:template` to make a new template.",
    { err },
  );
}

/**
 * Locks `dir` for this process with an OS file lock (flock) on `soulbot.lock`, held while the
 * database is open. The system drops the lock when its holder ends, however it ends, so a lock
 * file left behind never refuses a start — not even when the new process has the old one's PID
 * (a container restarted, the bot PID 1 again) — while a live process holding it always does. The
 * file (never deleted: deleting would let two processes lock two different files) names the
 * holder's PID, for the message.
 */
async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = `${dir}/soulbot.lock`;
  const file = await Deno.open(path, { create: true, read: true, write: true });
  let locked: boolean;
  try {
    locked = await file.tryLock(true);
  } catch (err) {
    file.close();
    throw new DatabaseError(
      `Cannot lock embedded database at ${dir}: the file system refused a lock on ${path}`,
      { cause: err },
    );
  }
  if (!locked) {
    const holder = (await Deno.readTextFile(path).catch(() => "")).trim();
    file.close();
    throw new DatabaseError(
      `Cannot open embedded database at ${dir}: it is in use by ` +
        `${/^\d+$/.test(holder) ? `process ${holder}` : "another process"}. ` +
        "Stop that process, or give this one its own DATA_DIR.",
    );
  }
  await file.truncate(0);
  await file.write(new TextEncoder().encode(String(Deno.pid)));
  let held = true;
  return async () => {
    if (!held) return;
    held = false;
    await file.unlock().catch(() => {});
    file.close();
  };
}
