// The two YooKassa API calls the bot needs — create a payment, read a payment — over fetch with
// Basic auth and a time limit. (YooKassa publishes no official JavaScript SDK; the API is small.)
// A network failure, a timeout, 429 or 5xx is YooKassaUnavailableError (safe to retry with the
// same Idempotence-Key); any other refusal is a plain Error naming YooKassa's code.

export interface YooKassaOptions {
  shopId: string;
  secretKey: string;
  /** e.g. https://api.yookassa.ru/v3 */
  apiUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface RemotePayment {
  id: string;
  status: "pending" | "waiting_for_capture" | "succeeded" | "canceled";
  amount: { value: string; currency: string };
  metadata?: Record<string, string>;
  confirmation?: { type: string; confirmation_url?: string };
  cancellation_details?: { party?: string; reason?: string };
}

export interface NewPayment {
  idempotenceKey: string;
  amount: { value: string; currency: string };
  description: string;
  returnUrl: string;
  metadata: Record<string, string>;
  receipt?: unknown;
}

export class YooKassaUnavailableError extends Error {
  override name = "YooKassaUnavailableError";
}

export interface YooKassa {
  createPayment(p: NewPayment): Promise<RemotePayment>;
  getPayment(id: string): Promise<RemotePayment>;
}

export function createYooKassa(opts: YooKassaOptions): YooKassa {
  const auth = "Basic " + btoa(`${opts.shopId}:${opts.secretKey}`);
  const doFetch = opts.fetch ?? fetch;
  async function call(path: string, init: RequestInit): Promise<RemotePayment> {
    let res: Response;
    try {
      res = await doFetch(`${opts.apiUrl}${path}`, {
        ...init,
        headers: { authorization: auth, "content-type": "application/json", ...init.headers },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new YooKassaUnavailableError(`YooKassa unreachable: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const body = await res.json().catch(() => undefined) as Record<string, unknown> | undefined;
    if (res.status === 429 || res.status >= 500) {
      throw new YooKassaUnavailableError(`YooKassa answered ${res.status}`);
    }
    if (!res.ok) {
      const code = typeof body?.code === "string" ? body.code : "error";
      const what = typeof body?.description === "string" ? body.description : "";
      throw new Error(`YooKassa refused (${res.status} ${code}): ${what}`);
    }
    if (typeof body?.id !== "string" || typeof body.status !== "string") {
      throw new YooKassaUnavailableError("YooKassa answered without a payment object");
    }
    return body as unknown as RemotePayment;
  }
  return {
    createPayment: (p) =>
      call("/payments", {
        method: "POST",
        headers: { "idempotence-key": p.idempotenceKey },
        body: JSON.stringify({
          amount: p.amount,
          capture: true,
          confirmation: { type: "redirect", return_url: p.returnUrl },
          description: p.description,
          metadata: p.metadata,
          ...(p.receipt ? { receipt: p.receipt } : {}),
        }),
      }),
    getPayment: (id) => call(`/payments/${encodeURIComponent(id)}`, { method: "GET" }),
  };
}
