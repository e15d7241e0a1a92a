// A timer that a shutdown can cut short: start-up waits (for the database, for Telegram) must
// not keep a process alive after SIGTERM.

export class AbortedError extends Error {
  override name = "AbortedError";
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortedError("Stopped while waiting"));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError("Stopped while waiting"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
