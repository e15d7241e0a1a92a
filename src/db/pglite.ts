// Embedded backend of the Db interface: PGlite (PostgreSQL compiled to WASM) through its direct
// API, on disk under DATA_DIR or in memory for tests. An OS lock on a file in the directory keeps
// a second process out of it, which would corrupt it.

import { PGlite } from "@electric-sql/pglite";
import type { Db, Queryable, Row } from "./db.ts";
import { DatabaseError } from "../errors.ts";

export interface PgliteOptions {
  /** A directory, or undefined for an in-memory database. */
  dataDir?: string;
  /** An existing instance to wrap (tests clone a migrated template). */
  instance?: PGlite;
}

export async function createPgliteDb(opts: PgliteOptions): Promise<Db> {
  let release = async () => {};
  let pg = opts.instance;
  if (!pg) {
    if (opts.dataDir) {
      await Deno.mkdir(opts.dataDir, { recursive: true });
      release = await lockDataDir(opts.dataDir);
    }
    try {
      pg = await PGlite.create(opts.dataDir);
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
