// Classifies database errors: which ones mean "the server was never reached" (always safe to
// retry), which mean "the connection dropped" (safe to retry only for idempotent work), and
// which are real query errors that must never be retried.

import { sleep } from "../sleep.ts";

const NOT_REACHED_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "CONNECT_TIMEOUT",
  "57P03", // cannot_connect_now: the server is starting up or shutting down
  "53300", // too_many_connections
]);

const DROPPED_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown (also pg_terminate_backend)
  "57P02", // crash_shutdown
]);

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  for (let cur = err, depth = 0; cur && depth < 5; depth++) {
    const e = cur as { code?: unknown; errno?: unknown; cause?: unknown; name?: unknown };
    if (typeof e.code === "string") codes.push(e.code);
    if (typeof e.errno === "string") codes.push(e.errno);
    if (e.name === "ConnectionRefused") codes.push("ECONNREFUSED");
    cur = e.cause;
  }
  return codes;
}

/** The statement never reached the server: retrying cannot run it twice. */
export function isNotReached(err: unknown): boolean {
  return codesOf(err).some((c) => NOT_REACHED_CODES.has(c) || c.startsWith("08"));
}

/** The connection broke; the statement may or may not have run. */
export function isDropped(err: unknown): boolean {
  return codesOf(err).some((c) => DROPPED_CODES.has(c));
}

export function isTransient(err: unknown): boolean {
  return isNotReached(err) || isDropped(err);
}

/** Heuristic: a statement that only reads is safe to repeat. */
export function isReadOnly(sql: string): boolean {
  return /^\s*(select|show|values)\b/i.test(sql);
}

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  /** Decides whether this error may be retried. */
  retryable: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `fn`, retrying retryable errors with exponential backoff. */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const wait = opts.sleep ?? sleep;
  for (let attempt = 1;; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= opts.attempts || !opts.retryable(err)) throw err;
      const delay = opts.baseDelayMs * 2 ** (attempt - 1);
      opts.onRetry?.(err, attempt, delay);
      await wait(delay);
    }
  }
}
