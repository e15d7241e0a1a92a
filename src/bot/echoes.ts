// The inbox's insert trigger notifies every listening worker — this process's own included. When
// the process stored the updates itself (its poller, through `worker.enqueue`), it wakes its
// worker directly, so the notification of that insert coming back is no news: taking it as a
// wake-up ran the claim a second time for every batch, the heaviest statement an update costs,
// and on PGlite, which runs one statement at a time, in front of the update's own statements.
//
// `expect` before such an insert, `forget` when it failed (nothing was stored, nothing will
// come); `isEcho` for each notification takes back one expectation. A notification never
// arrives while the listening connection is down: its expectation lapses after `windowMs`, and
// until then a notification of another process's insert may be taken for ours — that update is
// then found by the next claim (at the latest the idle poll), never lost.

export interface Echoes {
  /** An insert of this process's own is about to be sent; returns its token for `forget`. */
  expect(): number;
  /** The insert with this token failed: no notification will come for it. */
  forget(token: number): void;
  /** A notification came: true if it is taken as the echo of an insert of our own. */
  isEcho(): boolean;
}

export function createEchoes(windowMs = 1_000, now: () => number = Date.now): Echoes {
  /** The inserts whose notification has not come back yet, oldest first. */
  let awaited: { token: number; at: number }[] = [];
  let tokens = 0;
  const lapse = () => {
    const since = now() - windowMs;
    awaited = awaited.filter((a) => a.at >= since);
  };
  return {
    expect() {
      lapse();
      awaited.push({ token: ++tokens, at: now() });
      return tokens;
    },
    forget(token) {
      awaited = awaited.filter((a) => a.token !== token);
    },
    isEcho() {
      lapse();
      return awaited.shift() !== undefined;
    },
  };
}
