// meteredDb(db, metrics): the same Db, with every statement counted and timed by operation and
// outcome (soulnear_db_query_duration_seconds), inside transactions too, and every transaction
// counted by outcome (soulnear_db_transactions_total): its BEGIN and COMMIT are round trips no
// statement count shows.

import type { Db, Queryable } from "../db/db.ts";
import type { Metrics } from "./metrics.ts";

const OPERATIONS = new Set(["select", "insert", "update", "delete", "with"]);

/** The statement's first keyword when it is a common one, else "other" (DDL, scripts, locks). */
export function operationOf(sql: string): string {
  const word = /^\s*([a-z]+)/i.exec(sql)?.[1]?.toLowerCase() ?? "";
  return OPERATIONS.has(word) ? word : "other";
}

function metered(q: Queryable, metrics: Metrics): Queryable {
  const time = async <T>(sql: string, run: () => Promise<T>): Promise<T> => {
    const end = metrics.dbQueries.startTimer({ operation: operationOf(sql) });
    try {
      const out = await run();
      end({ outcome: "ok" });
      return out;
    } catch (err) {
      end({ outcome: "error" });
      throw err;
    }
  };
  return {
    query: (sql, params, opts) => time(sql, () => q.query(sql, params, opts)),
    exec: (sql) => time(sql, () => q.exec(sql)),
  };
}

export function meteredDb(db: Db, metrics: Metrics): Db {
  const own = metered(db, metrics);
  return {
    kind: db.kind,
    description: db.description,
    query: own.query,
    exec: own.exec,
    transaction: async (fn) => {
      try {
        const out = await db.transaction((tx) => fn(metered(tx, metrics)));
        metrics.dbTransactions.inc({ outcome: "commit" });
        return out;
      } catch (err) {
        metrics.dbTransactions.inc({ outcome: "rollback" });
        throw err;
      }
    },
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: () => db.close(),
  };
}
