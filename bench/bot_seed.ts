// The people of bench:bot, put into the database before the bot starts: migrated, then each
// onboarded as tests/harness/given.ts does it (what an ordinary onboarding leaves). PGlite's
// directory can be open in one process only, so this runs while no bot has it.

import { givenOnboarded } from "../tests/harness/given.ts";
import type { Person } from "../tests/harness/telegram.ts";
import { openDatabase } from "../src/db/connect.ts";
import { loadMigrations, migrate } from "../src/db/migrate.ts";
import { createLogger } from "../src/log.ts";

/** The people of a run: chat ids from 700,001 on, all named as the load's updates name them. */
export function people(n: number, from = 0): Person[] {
  return Array.from({ length: n }, (_, i) => ({ id: 700_001 + from + i, first_name: "Вера" }));
}

export type Backend = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };

export async function seed(backend: Backend, who: Person[]): Promise<void> {
  const log = createLogger({ level: "error" });
  const db = await openDatabase(
    backend.kind === "postgres"
      ? { kind: "postgres", url: backend.url, display: "bench" }
      : { kind: "pglite", dataDir: backend.dataDir },
    { log },
  );
  try {
    await migrate(db, await loadMigrations());
    const now = new Date();
    // A few at a time on a server (its pool has several connections); PGlite takes one anyway.
    const lanes = backend.kind === "postgres" ? 8 : 1;
    let next = 0;
    await Promise.all(Array.from({ length: lanes }, async () => {
      while (next < who.length) {
        await givenOnboarded(db, who[next++]!, { given: "onboarded" }, now);
      }
    }));
  } finally {
    await db.close();
  }
}
