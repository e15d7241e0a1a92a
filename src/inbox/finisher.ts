// Marks handled updates done in batches: while one statement is on its way, the updates that
// finish meanwhile wait and go together in the next. At light load every update has its own
// statement at once (no added wait); under load one statement marks many, so marking done costs a
// fraction of a round trip per update.

import type { Queryable } from "../db/db.ts";
import { finishDone } from "./inbox.ts";

/** Marks one update done (resolves false when `worker` no longer held it); batched. */
export type MarkDone = (updateId: number) => Promise<boolean>;

export function doneInBatches(db: Queryable, worker: string): MarkDone {
  let waiting = new Map<number, PromiseWithResolvers<boolean>>();
  let busy = false;
  const send = async () => {
    busy = true;
    while (waiting.size > 0) {
      const batch = waiting;
      waiting = new Map();
      try {
        const held = await finishDone(db, worker, [...batch.keys()]);
        for (const [id, p] of batch) p.resolve(held.has(id));
      } catch (err) {
        for (const p of batch.values()) p.reject(err);
      }
    }
    busy = false;
  };
  return (updateId) => {
    const p = Promise.withResolvers<boolean>();
    waiting.set(updateId, p);
    if (!busy) void send();
    return p.promise;
  };
}
