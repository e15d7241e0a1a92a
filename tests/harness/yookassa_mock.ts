// A local YooKassa API mock (POST /v3/payments, GET /v3/payments/{id}) for tests: payments are
// kept in memory, the Idempotence-Key is honoured as YooKassa does (the same key returns the
// same payment), requests are recorded, and a test can change a payment's status, fail the next
// requests, or make a payment look different (a forged amount).

export interface MockPayment {
  id: string;
  status: "pending" | "waiting_for_capture" | "succeeded" | "canceled";
  amount: { value: string; currency: string };
  description?: string;
  metadata?: Record<string, string>;
  confirmation: { type: "redirect"; confirmation_url: string; return_url?: string };
  created_at: string;
  paid: boolean;
}

export interface YooKassaRequest {
  method: string;
  path: string;
  idempotenceKey?: string;
  authorization?: string;
  body: Record<string, unknown> | null;
}

export interface YooKassaMock extends AsyncDisposable {
  /** e.g. http://127.0.0.1:PORT/v3 — YOOKASSA_API_URL */
  readonly apiUrl: string;
  readonly requests: YooKassaRequest[];
  readonly payments: Map<string, MockPayment>;
  /** The newest payment created. */
  latest(): MockPayment | undefined;
  setStatus(id: string, status: MockPayment["status"]): void;
  /** The next `n` requests answer with this HTTP status (e.g. 500, or 0 for a dropped connection). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export function startYooKassaMock(): YooKassaMock {
  const requests: YooKassaRequest[] = [];
  const payments = new Map<string, MockPayment>();
  const byKey = new Map<string, string>();
  let failures = 0;
  let failStatus = 500;
  let seq = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const body = req.method === "POST" ? await req.json().catch(() => null) : null;
    requests.push({
      method: req.method,
      path: url.pathname,
      idempotenceKey: req.headers.get("idempotence-key") ?? undefined,
      authorization: req.headers.get("authorization") ?? undefined,
      body,
    });
    if (failures > 0) {
      failures--;
      return Response.json({ type: "error", code: "internal_server_error" }, {
        status: failStatus,
      });
    }
    if (!req.headers.get("authorization")?.startsWith("Basic ")) {
      return Response.json({ type: "error", code: "invalid_credentials" }, { status: 401 });
    }
    if (req.method === "POST" && url.pathname === "/v3/payments") {
      const key = req.headers.get("idempotence-key");
      if (!key) {
        return Response.json({ type: "error", code: "invalid_request" }, { status: 400 });
      }
      const known = byKey.get(key);
      if (known) return Response.json(payments.get(known));
      const id = `2f${String(++seq).padStart(6, "0")}-000f-5000-9000-1b68e7b15f3f`;
      const p: MockPayment = {
        id,
        status: "pending",
        amount: body.amount,
        description: body.description,
        metadata: body.metadata,
        confirmation: {
          type: "redirect",
          confirmation_url: `https://yoomoney.ru/checkout/payments/v2/contract?orderId=${id}`,
          return_url: body.confirmation?.return_url,
        },
        created_at: "2026-11-24T09:00:00.000Z",
        paid: false,
      };
      payments.set(id, p);
      byKey.set(key, id);
      return Response.json(p);
    }
    const m = /^\/v3\/payments\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && m) {
      const p = payments.get(decodeURIComponent(m[1]!));
      return p
        ? Response.json(p)
        : Response.json({ type: "error", code: "not_found" }, { status: 404 });
    }
    return Response.json({ type: "error", code: "not_found" }, { status: 404 });
  });
  const { port } = server.addr as Deno.NetAddr;
  const close = async () => {
    await server.shutdown();
  };
  return {
    apiUrl: `http://127.0.0.1:${port}/v3`,
    requests,
    payments,
    latest: () => [...payments.values()].at(-1),
    setStatus(id, status) {
      const p = payments.get(id);
      if (!p) throw new Error(`No payment ${id}`);
      p.status = status;
      p.paid = status === "succeeded";
    },
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
