// Server-sent events for the OpenAI mock (openai_mock.ts): frames paced by a delay, and the ways a
// scripted stream goes wrong mid-answer (TextReply.streamFault).

export type StreamFault = "error" | "malformed" | "cut" | "truncated" | "hang";

/** Resolves true after `ms`, or false as soon as a signal aborts (timer and listeners cleared). */
export function sleep(ms: number, ...signals: AbortSignal[]): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (ok: boolean) => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onAbort = () => settle(false);
    const timer = setTimeout(() => settle(true), ms);
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
    if (signals.some((s) => s.aborted)) settle(false);
  });
}

// Deno's server prints the error that breaks a response body: one line, no stack.
const CUT = Object.assign(new Error("cut"), {
  stack: "OpenAI mock: a stream cut on purpose (streamFault: cut)",
});

/** The longest timer a runtime keeps (about 24 days): "until the mock closes". */
const FOREVER_MS = 2 ** 31 - 1;

/**
 * Server-sent events, one frame per `chunkDelayMs`; after them `cut` breaks the connection and
 * `hang` waits until the mock closes (or the reader goes), then ends the stream.
 */
export function sseResponse(
  frames: string[],
  chunkDelayMs: number,
  signal: AbortSignal,
  end: "close" | "cut" | "hang" = "close",
): Response {
  const headers = { "content-type": "text/event-stream", "cache-control": "no-cache" };
  if (chunkDelayMs <= 0 && end === "close") return new Response(frames.join(""), { headers });
  const encoder = new TextEncoder();
  const cancelled = new AbortController();
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const frame = frames[next];
      if (frame === undefined && end === "cut") return controller.error(CUT);
      if (frame === undefined && end === "hang") {
        await sleep(FOREVER_MS, signal, cancelled.signal);
        return controller.close();
      }
      if (
        frame === undefined || (next > 0 && !(await sleep(chunkDelayMs, signal, cancelled.signal)))
      ) {
        return controller.close();
      }
      next++;
      controller.enqueue(encoder.encode(frame));
    },
    cancel() {
      cancelled.abort();
    },
  });
  return new Response(stream, { headers });
}

/** What follows the frames sent before a scripted stream fault (`cut` breaks the connection). */
export function faultFrames(fault: StreamFault): string[] {
  switch (fault) {
    case "error":
      return [
        `event: error\ndata: ${
          JSON.stringify({
            error: { message: "The server had an error while streaming", type: "server_error" },
          })
        }\n\n`,
      ];
    case "malformed":
      return ['data: {"choices": [{"delta": {"content": "обры\n\n'];
    default:
      return [];
  }
}
