// The fake outside world of one bot under bench:bot (bench/bot_process.ts), in a process of its
// own so that its work is not the bot's: a lean fake Telegram Bot API (bench/fake_telegram.ts), a
// fake OpenAI with fixed timing (bench/fake_model.ts) and the load that drives them
// (bench/bot_load.ts). Prints one JSON line when it listens — { apiRoot, openaiBaseUrl, control }
// — and takes orders on the control address:
//   POST /phase   a PhaseSpec; answers the PhaseResult when the phase is over
//   POST /timing  the model's timing ({ firstTokenMs, chunkMs, moderationMs }, any of them)
//   GET  /model   calls the model took so far ({ chat, moderation })
// Ends on SIGTERM or SIGINT at once (a phase in flight has no one left to answer).
// Run: deno run -A bench/fake_api_process.ts

import { startFakeTelegram } from "./fake_telegram.ts";
import { startFakeModel } from "./fake_model.ts";
import { Load, type PhaseSpec } from "./bot_load.ts";

const model = startFakeModel({ firstTokenMs: 300, chunkMs: 30, moderationMs: 150 });
// The load pushes into the fake Telegram, whose hooks tell the load: each is called only later.
const load = new Load(model, (updates) => telegram.push(updates));
const telegram = startFakeTelegram({
  onCall: (method, payload, at, sentId) => load.onCall(method, payload, at, sentId),
  onServed: (update, at) => load.onServed(update, at),
});

const control = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
  const path = new URL(req.url).pathname;
  if (req.method === "POST" && path === "/phase") {
    return Response.json(await load.run(await req.json() as PhaseSpec));
  }
  if (req.method === "POST" && path === "/timing") {
    Object.assign(model.timing, await req.json());
    return Response.json(model.timing);
  }
  if (req.method === "GET" && path === "/model") return Response.json(model.counts);
  return new Response("not found", { status: 404 });
});

console.log(JSON.stringify({
  apiRoot: telegram.apiRoot,
  openaiBaseUrl: model.baseUrl,
  control: `http://127.0.0.1:${control.addr.port}`,
}));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, () => Deno.exit(0));
}
