// How the OpenAI SDK's failures come out of the Llm: whatever is worth waiting out — a timeout, a
// lost connection, 408/429/5xx, an error event in the middle of a stream, a stream cut or ended
// early, a malformed (non-JSON) answer — becomes LlmUnavailableError, the service's fault (a
// warning in the log, «🔁 Повторить» for the user); a caller's abort stays an abort; anything
// else (401, 400: our configuration or request) is passed on as it is.

import OpenAI from "openai";
import { LlmUnavailableError } from "./llm.ts";

export function translateError(
  err: unknown,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): unknown {
  // Like fetch: a caller's abort rejects with the signal's reason, whatever the SDK made of it.
  if (signal?.aborted) return signal.reason ?? err;
  if (err instanceof OpenAI.APIUserAbortError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    const message = `OpenAI unavailable: request timed out after ${timeoutMs} ms`;
    return new LlmUnavailableError(message, { cause: err });
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return new LlmUnavailableError(`OpenAI unavailable: ${err.message}`, { cause: err });
  }
  // A body that is not JSON (a frame of a stream, or a whole answer): the service's fault.
  if (err instanceof SyntaxError) {
    return new LlmUnavailableError(`OpenAI unavailable: malformed response: ${err.message}`, {
      cause: err,
    });
  }
  // status undefined: an error event in the middle of a stream (the server gave up).
  const s = err instanceof OpenAI.APIError ? err.status : 0;
  if (s === undefined || s === 408 || s === 429 || s >= 500) {
    const message = `OpenAI unavailable: ${(err as Error).message}`;
    return new LlmUnavailableError(message, { cause: err });
  }
  return err;
}

/** The stream broke while being read (the connection cut mid-answer): the service's fault. */
export class StreamBrokenError extends LlmUnavailableError {
  override name = "StreamBrokenError";
}

/**
 * The stream's events; a failure to read the next one — other than the SDK's own errors and
 * aborts, which translateError sorts out — is a broken stream. What the caller does with an event
 * (onDelta) stays outside, so a bug of ours is never taken for the service's fault.
 */
export async function* events<T>(
  stream: AsyncIterable<T>,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  const it = stream[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<T>;
    try {
      next = await it.next();
    } catch (err) {
      if (err instanceof OpenAI.OpenAIError || err instanceof SyntaxError || signal?.aborted) {
        throw err;
      }
      const message = `OpenAI unavailable: the stream broke: ${(err as Error)?.message ?? err}`;
      throw new StreamBrokenError(message, { cause: err });
    }
    if (next.done) return;
    yield next.value;
  }
}
