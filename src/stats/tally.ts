// The day's activity and counters, kept in memory and written in batches: every update adds to
// the tally, and a flush (every second by default, at a stop, and when a test's worker drains)
// writes what accumulated in one transaction — the users' day rows, their sessions, their last
// activity and the day's totals. No row is touched per update, so today's single statistic_day
// row is no longer a lock every update of every user waits for.
//
// What a crash costs: the counts of the last flush interval (a second by default) are never
// written; the users' messages, answers, payments and the free limit are not counted here (they
// are written with the update) and are never lost. A flush that fails keeps its counts for the
// next one. Several processes may each keep a tally: every write adds, none overwrites.

import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import { type DailyCounter, isDailyCounter, SESSION_GAP_MINUTES, statDate } from "./daily.ts";

/** One interaction of a user (an update that reached the user's record). */
export interface Interaction {
  userId: number;
  at: Date;
  /** The user's record was created by this update. */
  newUser: boolean;
  /** A message the user wrote (not a button tap). */
  message: boolean;
}

export interface Tally {
  /** Adds `by` to one of the day's counters (the day of `at`, Moscow time). */
  count(counter: DailyCounter, at: Date, by?: number): void;
  /** Records one interaction: the user's day, session and last activity, the day's totals. */
  interaction(i: Interaction): void;
  /** The user's activity counted but not written yet: the days it fell on, messages written. */
  unwritten(userId: number): { dates: string[]; messages: number };
  /** Writes what accumulated; a failure keeps it for the next flush and rethrows. */
  flush(): Promise<void>;
  /** Flushes every `everyMs` until `stop` (which flushes once more). */
  start(everyMs?: number): void;
  stop(): Promise<void>;
}

interface Day {
  [column: string]: number;
}

interface UserDay {
  userId: number;
  date: string;
  events: number;
  messages: number;
}

interface Seen {
  first: Date;
  last: Date;
  events: number;
}

interface Pending {
  days: Map<string, Day>;
  /** By user, then date. */
  userDays: Map<number, Map<string, UserDay>>;
  seen: Map<number, Seen>;
}

const empty = (): Pending => ({ days: new Map(), userDays: new Map(), seen: new Map() });

export const FLUSH_EVERY_MS = 1_000;

export function createTally(db: Pick<Db, "transaction">, log: Logger): Tally {
  let pending = empty();
  let timer: ReturnType<typeof setInterval> | undefined;
  let flushing: Promise<void> | undefined;
  let failures = 0;

  const add = (p: Pending, date: string, column: string, by: number) => {
    let day = p.days.get(date);
    if (!day) p.days.set(date, day = {});
    day[column] = (day[column] ?? 0) + by;
  };
  const addUserDay = (p: Pending, d: UserDay) => {
    let user = p.userDays.get(d.userId);
    if (!user) p.userDays.set(d.userId, user = new Map());
    const had = user.get(d.date);
    if (!had) user.set(d.date, { ...d });
    else {
      had.events += d.events;
      had.messages += d.messages;
    }
  };
  const addSeen = (p: Pending, userId: number, s: Seen) => {
    const had = p.seen.get(userId);
    if (!had) p.seen.set(userId, { ...s });
    else {
      if (s.first < had.first) had.first = s.first;
      if (s.last > had.last) had.last = s.last;
      had.events += s.events;
    }
  };
  /** Puts back counts a failed flush took (merged with what came meanwhile). */
  const restore = (back: Pending) => {
    for (const [date, day] of back.days) {
      for (const [column, by] of Object.entries(day)) add(pending, date, column, by);
    }
    for (const user of back.userDays.values()) {
      for (const d of user.values()) addUserDay(pending, d);
    }
    for (const [userId, s] of back.seen) addSeen(pending, userId, s);
  };

  const write = async (p: Pending) => {
    await db.transaction(async (tx) => {
      // Users' day rows first, then the day's totals: the order every writer of both keeps.
      if (p.userDays.size > 0) {
        const rows = [...p.userDays.values()].flatMap((u) => [...u.values()]).sort((a, b) =>
          a.userId - b.userId || a.date.localeCompare(b.date)
        );
        const written = await tx.query<{ user_id: number; date: string; events: number }>(
          `INSERT INTO user_activity_day (user_id, date, events, messages)
           SELECT x.user_id, x.date, x.events, x.messages
           FROM jsonb_to_recordset($1::jsonb)
             AS x(user_id bigint, date date, events int, messages int)
           WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = x.user_id)
           ON CONFLICT (user_id, date) DO UPDATE
             SET events = user_activity_day.events + excluded.events,
                 messages = user_activity_day.messages + excluded.messages
           RETURNING user_id, to_char(date, 'YYYY-MM-DD') AS date, events`,
          [rows.map((r) => ({
            user_id: r.userId,
            date: r.date,
            events: r.events,
            messages: r.messages,
          }))],
        );
        // A user is active on a day when this flush brought the day's first events (a row made
        // earlier by the free-limit count alone has none).
        for (const w of written) {
          const sent = p.userDays.get(Number(w.user_id))?.get(w.date);
          if (sent && w.events === sent.events) add(p, w.date, "active_users", 1);
        }
      }
      if (p.seen.size > 0) {
        const rows = [...p.seen].sort(([a], [b]) => a - b).map(([userId, s]) => ({
          user_id: userId,
          first_at: s.first.toISOString(),
          last_at: s.last.toISOString(),
          events: s.events,
        }));
        await tx.query(
          `WITH x AS (
             SELECT x.* FROM jsonb_to_recordset($1::jsonb)
               AS x(user_id bigint, first_at timestamptz, last_at timestamptz, events int)
             WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = x.user_id)
           ), latest AS (
             SELECT DISTINCT ON (s.user_id) s.id, s.user_id, s.last_at
             FROM user_sessions s JOIN x ON x.user_id = s.user_id
             ORDER BY s.user_id, s.last_at DESC
           ), extended AS (
             UPDATE user_sessions s
             SET last_at = greatest(s.last_at, x.last_at), events = s.events + x.events
             FROM x JOIN latest l ON l.user_id = x.user_id
             WHERE s.id = l.id AND l.last_at >= x.first_at - make_interval(mins => $2)
             RETURNING s.user_id
           ), seen AS ( -- runs though nothing reads it, as every data-modifying WITH does
             UPDATE users u SET last_seen_at = greatest(u.last_seen_at, x.last_at)
             FROM x WHERE u.id = x.user_id
           )
           INSERT INTO user_sessions (user_id, started_at, last_at, events)
           SELECT x.user_id, x.first_at, x.last_at, x.events FROM x
           WHERE x.user_id NOT IN (SELECT user_id FROM extended)`,
          [rows, SESSION_GAP_MINUTES],
        );
      }
      if (p.days.size > 0) {
        const columns = [...new Set([...p.days.values()].flatMap((d) => Object.keys(d)))].sort();
        const rows = [...p.days].sort(([a], [b]) => a.localeCompare(b)).map(([date, day]) => ({
          date,
          ...Object.fromEntries(columns.map((c) => [c, day[c] ?? 0])),
        }));
        await tx.query(
          `INSERT INTO statistic_day (date, ${columns.join(", ")})
           SELECT * FROM jsonb_to_recordset($1::jsonb)
             AS x(date date, ${columns.map((c) => `${c} bigint`).join(", ")})
           ON CONFLICT (date) DO UPDATE SET
             ${columns.map((c) => `${c} = statistic_day.${c} + excluded.${c}`).join(", ")},
             updated_at = now()`,
          [rows],
        );
      }
    });
  };

  const flushOnce = async () => {
    const p = pending;
    if (p.days.size === 0 && p.userDays.size === 0 && p.seen.size === 0) return;
    pending = empty();
    // `active_users` is added by the write itself: what goes back on failure is the input.
    const input: Pending = {
      days: new Map([...p.days].map(([d, day]) => [d, { ...day }])),
      userDays: p.userDays,
      seen: p.seen,
    };
    try {
      await write(p);
      failures = 0;
    } catch (err) {
      restore(input);
      throw err;
    }
  };

  const flush = (): Promise<void> => {
    // One flush at a time; a flush asked for during one runs after it (it may have new counts).
    const run = (flushing ?? Promise.resolve()).then(flushOnce);
    const settled: Promise<void> = run.then(() => {}, () => {});
    flushing = settled;
    settled.then(() => {
      if (flushing === settled) flushing = undefined;
    });
    return run;
  };

  return {
    count(counter, at, by = 1) {
      // Column names go into the statement: only the known counters.
      if (!isDailyCounter(counter)) throw new Error(`Unknown daily counter ${counter}`);
      add(pending, statDate(at), counter, by);
    },
    interaction(i) {
      const date = statDate(i.at);
      const messages = i.message ? 1 : 0;
      addUserDay(pending, { userId: i.userId, date, events: 1, messages });
      addSeen(pending, i.userId, { first: i.at, last: i.at, events: 1 });
      add(pending, date, "events", 1);
      if (messages) add(pending, date, "messages", 1);
      if (i.newUser) add(pending, date, "new_users", 1);
    },
    unwritten(userId) {
      // Counts a flush is writing at this moment are in neither place: shown a moment later.
      const days = [...pending.userDays.get(userId)?.values() ?? []];
      return {
        dates: days.map((d) => d.date),
        messages: days.reduce((n, d) => n + d.messages, 0),
      };
    },
    flush,
    start(everyMs = FLUSH_EVERY_MS) {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        flush().catch((err) => {
          failures++;
          if ((failures & (failures - 1)) === 0) {
            log.warn(`Cannot write the day's counts; kept for the next try (${failures}×)`, {
              err,
            });
          }
        });
      }, everyMs);
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      try {
        await flush();
      } catch (err) {
        log.warn("Cannot write the day's last counts at the stop; they are lost", { err });
      }
    },
  };
}
