// The inbox worker's alarm: `nap` sleeps until `wake` is called, `ms` pass, or the earliest
// moment set with `at` comes — whichever is first. A wake-up that comes while nobody naps is kept
// for the next nap (`woken`), so none is lost between two naps. One napper at a time.

export interface Alarm {
  /** Whether a wake-up came since the last `reset`. */
  readonly woken: boolean;
  /** Forgets earlier wake-ups (call before looking for work). */
  reset(): void;
  wake(): void;
  /** Rings at `time` (ms since the epoch) at the latest; the earliest of several wins. */
  at(time: number): void;
  nap(ms: number): Promise<void>;
}

export function createAlarm(): Alarm {
  let woken = false;
  let soonest = Infinity;
  let ring: (() => void) | undefined;
  return {
    get woken() {
      return woken;
    },
    reset: () => void (woken = false),
    wake() {
      woken = true;
      ring?.();
    },
    at: (time) => void (soonest = Math.min(soonest, time)),
    nap: (ms) =>
      new Promise<void>((resolve) => {
        const until = Math.min(ms, Math.max(0, soonest - Date.now()));
        const timer = until === Infinity ? undefined : setTimeout(done, until);
        function done() {
          clearTimeout(timer);
          ring = undefined;
          if (Date.now() >= soonest) soonest = Infinity;
          resolve();
        }
        ring = done;
        if (woken) done();
      }),
  };
}
