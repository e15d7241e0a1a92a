// Jobs that must have one owner among all processes on one database (a row of job_leases,
// migrations/0012_replicas.sql): whoever takes a free lease runs the job; the others skip it, or
// wait. A lease ends by itself at `until`, so an owner that died holds nothing for long. Plain
// SQL, the same on PostgreSQL and PGlite.

import type { Queryable } from "./db.ts";
import { sleep } from "../sleep.ts";

/** Takes `name` for `ms` if it is free (or already `owner`'s); true when `owner` holds it now. */
export async function takeLease(
  db: Queryable,
  name: string,
  owner: string,
  ms: number,
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO job_leases (name, owner, until) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
       WHERE job_leases.until <= now() OR job_leases.owner = EXCLUDED.owner
     RETURNING name`,
    [name, owner, ms / 1000],
  );
  return rows.length > 0;
}

/** Gives `name` back, if `owner` still holds it. */
export async function releaseLease(db: Queryable, name: string, owner: string): Promise<void> {
  await db.query("DELETE FROM job_leases WHERE name = $1 AND owner = $2", [name, owner], {
    idempotent: true,
  });
}

/**
 * Runs `job` holding `name`, waiting (polling every `pollMs`) while another process holds it;
 * the lease lasts `ms` and is given back when the job ends.
 */
export async function withLease<T>(
  db: Queryable,
  name: string,
  owner: string,
  opts: { ms: number; pollMs?: number },
  job: () => Promise<T>,
): Promise<T> {
  while (!await takeLease(db, name, owner, opts.ms)) await sleep(opts.pollMs ?? 500);
  try {
    return await job();
  } finally {
    await releaseLease(db, name, owner).catch(() => {});
  }
}

/** Forgets leases that ended long ago (the names of one-off jobs). */
export async function pruneLeases(db: Queryable): Promise<number> {
  const rows = await db.query(
    "DELETE FROM job_leases WHERE until < now() - interval '1 hour' RETURNING 1",
    [],
    { idempotent: true },
  );
  return rows.length;
}
