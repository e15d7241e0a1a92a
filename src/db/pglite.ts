// Embedded backend of the Db interface: PGlite (PostgreSQL compiled to WASM) through its direct
// API, on disk under DATA_DIR or in memory for tests. A lock file keeps a second process out
// of the same data directory, which would corrupt it.

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
    async close() {
      if (!instance.closed) await instance.close();
      await release();
    },
  };
}

async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = `${dir}/soulbot.lock`;
  for (let tries = 0; tries < 2; tries++) {
    try {
      const file = await Deno.open(path, { createNew: true, write: true });
      await file.write(new TextEncoder().encode(String(Deno.pid)));
      file.close();
      return async () => {
        await Deno.remove(path).catch(() => {});
      };
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      const pid = Number((await Deno.readTextFile(path).catch(() => "")).trim());
      if (pid && processAlive(pid)) {
        throw new DatabaseError(
          `Cannot open embedded database at ${dir}: it is in use by process ${pid}. ` +
            `Stop that process, or give this one its own DATA_DIR (or delete ${path} if no ` +
            "such process exists).",
        );
      }
      await Deno.remove(path).catch(() => {}); // left behind by a process that has ended
    }
  }
  throw new DatabaseError(`Cannot lock embedded database at ${dir}`);
}

function processAlive(pid: number): boolean {
  if (pid === Deno.pid || Deno.build.os !== "linux") return true; // cannot tell: assume it is
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}
