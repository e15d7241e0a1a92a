// The load of bench:bot, run inside the fake API's process (bench/fake_api_process.ts) so that
// pushing an update and seeing the calls that answer it cross no process: phases of updates from
// onboarded people, each update followed until it is answered, its times taken from the fake
// Bot API's hooks and the fake model's first tokens (one clock: performance.now()).
//
// When an update counts as answered ("done"):
// - bare (the reference bot sends one message per update): a sendMessage to its chat;
// - a button press: its answerCallbackQuery and a screen (a message sent or edited with a
//   keyboard) in its chat, in either order;
// - a command: a screen sent in its chat;
// - a message to an assistant: a message in its chat with the whole answer to that message.
// A chat's updates are handled one at a time and in order by both bots, so a chat's calls belong
// to its oldest update not yet answered. "First call" is the first call for that update of any
// kind (the answer to the press, "typing", a screen); "first text" of an answer is the first
// draft, message or edit that shows its text.

import type { Update } from "grammy/types";
import { type Person, Updates } from "../tests/harness/telegram.ts";
import { ANSWER_END, type FakeModel, marker } from "./fake_model.ts";

export type Step =
  | { tap: string }
  | { command: string }
  /** Press the first answer button of the quiz question the chat was shown last. */
  | { quizAnswer: true }
  /** A message to the assistant the chat is in, with a marker the fake model answers with. */
  | { say: true };

export interface PhaseSpec {
  name: string;
  /** Which bot answers: how "answered" is told (see the header). */
  mode: "soulbot" | "bare";
  /**
   * burst: every chat takes every step once, all pushed at once (step by step over the chats);
   * paced: `rate` updates a second, the chats in turn, each cycling through the steps (a chat
   * whose last update is unanswered is passed over); closed: every chat at once sends its next
   * step when its last is answered, at least `gapMs` after it; paced and closed stop at `count`.
   */
  kind: "burst" | "paced" | "closed";
  chats: number[];
  steps: Step[];
  count?: number;
  rate?: number;
  /** paced: instead of a count, go on for as long as another phase runs (started first). */
  alongside?: boolean;
  gapMs?: number;
  timeoutMs: number;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface PhaseResult {
  name: string;
  updates: number;
  /** From the first update served to the last answered. */
  seconds: number;
  /** Updates served → their first call, and → answered (ms). */
  firstCall: Summary;
  done: Summary;
  /** Messages to an assistant: first text − served − the model's time to first token (ms). */
  textBeyondModel?: Summary;
  /** Messages to an assistant: served → the model called (ms). */
  modelCalled?: Summary;
  /** Messages to an assistant: first text − the moment the model sent its first token (ms). */
  textAfterToken?: Summary;
  /** Chats whose answers did not come in the order of their messages. */
  outOfOrder?: number;
  /** The most model calls in flight at once during the phase. */
  modelPeak: number;
  /** Updates never answered (the phase timed out): what they were. */
  missing?: string[];
}

interface Pending {
  chat: number;
  update: Update;
  what: string;
  kind: "tap" | "command" | "say";
  callbackId?: string;
  mark?: string;
  served?: number;
  firstCall?: number;
  firstText?: number;
  acked: boolean;
  screen: boolean;
  done?: number;
  resolve: () => void;
  mode: PhaseSpec["mode"];
}

interface Chat {
  /** Updates pushed and not yet answered, oldest first. */
  fifo: Pending[];
  /** The last keyboard shown (the payload's reply_markup as it came) and its message. */
  keyboard?: unknown;
  screenId: number;
  /** Messages to assistants sent so far (numbers the markers). */
  said: number;
}

const NAME = "Вера";
const WORDS = "Сегодня был долгий день, хочу спокойно подумать вслух о работе и планах.";

export function summary(xs: number[]): Summary {
  if (xs.length === 0) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return {
    n: s.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: s.at(-1)!,
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

/** The message sent now (the builder numbers dates one second apart from where it began). */
function now(update: Update): Update {
  update.message!.date = Math.floor(Date.now() / 1000);
  return update;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quizButton(keyboard: unknown): string | undefined {
  const rows = (keyboard as { inline_keyboard?: { callback_data?: string }[][] } | undefined)
    ?.inline_keyboard ?? [];
  for (const row of rows) {
    for (const b of row) if (b.callback_data?.startsWith("quiz:a:")) return b.callback_data;
  }
  return undefined;
}

export class Load {
  readonly #u = new Updates(Math.floor(Date.now() / 1000));
  readonly #chats = new Map<number, Chat>();
  readonly #byUpdate = new Map<number, Pending>();
  readonly #byCallback = new Map<string, number>();
  /** Phases running now. */
  #active = 0;
  constructor(
    private readonly model: FakeModel,
    private readonly push: (updates: Update[]) => void,
  ) {}

  #chat(id: number): Chat {
    let c = this.#chats.get(id);
    if (!c) this.#chats.set(id, c = { fifo: [], screenId: 1, said: 0 });
    return c;
  }

  onServed(update: Update, at: number): void {
    const p = this.#byUpdate.get(update.update_id);
    if (p) p.served = at;
  }

  onCall(method: string, payload: Record<string, unknown>, at: number, sentId?: number): void {
    const callbackId = method === "answerCallbackQuery"
      ? String(payload.callback_query_id)
      : undefined;
    const id = callbackId !== undefined ? this.#byCallback.get(callbackId) : payload.chat_id;
    if (typeof id !== "number") return;
    const chat = this.#chats.get(id);
    if (!chat) return;
    const markup = payload.reply_markup;
    const screen = markup !== undefined &&
      (method === "sendMessage" || method === "editMessageText");
    if (screen) {
      chat.keyboard = markup;
      chat.screenId = sentId ?? Number(payload.message_id ?? chat.screenId);
    } else if (sentId !== undefined) chat.screenId = sentId;
    const p = chat.fifo[0];
    if (!p || p.served === undefined) return;
    p.firstCall ??= at;
    if (p.mode === "bare") {
      if (method === "sendMessage") this.#done(chat, p, at);
      return;
    }
    if (p.kind === "say") {
      const text = payload.text;
      if (typeof text !== "string" || !text.includes(p.mark!)) return;
      p.firstText ??= at;
      if (text.includes(ANSWER_END) && method !== "sendMessageDraft") this.#done(chat, p, at);
      return;
    }
    if (callbackId !== undefined && callbackId === p.callbackId) p.acked = true;
    if (screen) p.screen = true;
    if (p.screen && (p.kind === "command" || p.acked)) this.#done(chat, p, at);
  }

  #done(chat: Chat, p: Pending, at: number) {
    p.done = at;
    chat.fifo.shift();
    this.#byUpdate.delete(p.update.update_id);
    if (p.callbackId) this.#byCallback.delete(p.callbackId);
    p.resolve();
  }

  /** Builds the update of `step` for `chat`, and what waits for its answer. */
  #make(id: number, step: Step, mode: PhaseSpec["mode"], done: () => void): Pending {
    const chat = this.#chat(id);
    const who: Person = { id, first_name: NAME };
    const base = { chat: id, acked: false, screen: false, resolve: done, mode };
    if ("tap" in step || "quizAnswer" in step) {
      const data = "tap" in step ? step.tap : quizButton(chat.keyboard);
      if (data === undefined) throw new Error(`chat ${id} has no quiz question to answer`);
      const update = this.#u.callback(who, data, chat.screenId);
      const callbackId = update.callback_query!.id;
      this.#byCallback.set(callbackId, id);
      return { ...base, update, kind: "tap", what: `press ${data}`, callbackId };
    }
    if ("command" in step) {
      const update = now(this.#u.command(who, step.command));
      return { ...base, update, kind: "command", what: step.command };
    }
    const mark = marker(id, ++chat.said);
    const update = now(this.#u.text(who, `${WORDS} ${mark}`));
    return { ...base, update, kind: "say", what: `message ${mark}`, mark };
  }

  #enqueue(ps: Pending[]) {
    for (const p of ps) {
      this.#chat(p.chat).fifo.push(p);
      this.#byUpdate.set(p.update.update_id, p);
    }
    this.push(ps.map((p) => p.update));
  }

  async run(spec: PhaseSpec): Promise<PhaseResult> {
    this.#active++;
    try {
      return await this.#run(spec);
    } finally {
      this.#active--;
    }
  }

  async #run(spec: PhaseSpec): Promise<PhaseResult> {
    const all: Pending[] = [];
    const waits: Promise<void>[] = [];
    const make = (chat: number, step: Step) => {
      const { promise, resolve } = Promise.withResolvers<void>();
      const p = this.#make(chat, step, spec.mode, resolve);
      all.push(p);
      waits.push(promise);
      return { p, promise };
    };
    this.model.resetPeak();
    const deadline = performance.now() + spec.timeoutMs;
    const timedOut = sleep(spec.timeoutMs).then(() => "timeout" as const);
    const ttft = this.model.timing.firstTokenMs;
    const cursor = new Map<number, number>();
    const nextStep = (chat: number) => {
      const i = cursor.get(chat) ?? 0;
      cursor.set(chat, i + 1);
      return spec.steps[i % spec.steps.length]!;
    };
    let driving: Promise<unknown> = Promise.resolve();
    if (spec.kind === "burst") {
      const batch: Pending[] = [];
      for (const step of spec.steps) for (const chat of spec.chats) batch.push(make(chat, step).p);
      this.#enqueue(batch);
    } else if (spec.kind === "paced") {
      const interval = 1000 / (spec.rate ?? 25);
      driving = (async () => {
        if (spec.alongside) {
          const until = performance.now() + 10_000;
          while (this.#active < 2 && performance.now() < until) await sleep(10);
        }
        const count = spec.alongside ? Infinity : spec.count ?? spec.chats.length;
        const more = () => spec.alongside ? this.#active > 1 : true;
        const start = performance.now();
        let turn = 0;
        for (let n = 0; n < count && more() && performance.now() < deadline; n++) {
          const due = start + n * interval;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          // The next chat in turn that has nothing unanswered (one update of a chat at a time).
          let chat: number | undefined;
          for (let tries = 0; tries < spec.chats.length; tries++) {
            const candidate = spec.chats[turn++ % spec.chats.length]!;
            if (this.#chat(candidate).fifo.length === 0) {
              chat = candidate;
              break;
            }
          }
          if (chat === undefined) {
            n--;
            await sleep(interval);
            continue;
          }
          this.#enqueue([make(chat, nextStep(chat)).p]);
        }
      })();
    } else {
      const count = spec.count ?? spec.chats.length;
      let made = 0;
      driving = Promise.all(spec.chats.map(async (chat) => {
        while (made < count && performance.now() < deadline) {
          made++;
          const sent = performance.now();
          const { p, promise } = make(chat, nextStep(chat));
          this.#enqueue([p]);
          if (await Promise.race([promise.then(() => "ok" as const), timedOut]) === "timeout") {
            return;
          }
          const gap = (spec.gapMs ?? 0) - (performance.now() - sent);
          if (gap > 0) await sleep(gap);
        }
      }));
    }
    await Promise.race([driving, timedOut]);
    const outcome = await Promise.race([Promise.all(waits).then(() => "ok" as const), timedOut]);
    const missing = outcome === "timeout"
      ? all.filter((p) => p.done === undefined).map((p) =>
        `${p.what} (update ${p.update.update_id}, chat ${p.chat}, ` +
        `${p.served === undefined ? "never taken by the bot" : "taken but not answered"})`
      )
      : undefined;
    if (missing) {
      // Forget them: a later phase must not wait behind them.
      for (const c of this.#chats.values()) c.fifo = c.fifo.filter((p) => p.done !== undefined);
    }
    const answered = all.filter((p) => p.done !== undefined && p.served !== undefined);
    const firstServed = Math.min(...answered.map((p) => p.served!));
    const lastDone = Math.max(...answered.map((p) => p.done!));
    const says = answered.filter((p) => p.kind === "say" && p.firstText !== undefined);
    const result: PhaseResult = {
      name: spec.name,
      updates: all.length,
      seconds: answered.length ? (lastDone - firstServed) / 1000 : NaN,
      firstCall: summary(answered.map((p) => p.firstCall! - p.served!)),
      done: summary(answered.map((p) => p.done! - p.served!)),
      modelPeak: this.model.peak,
      ...(missing?.length ? { missing } : {}),
    };
    if (says.length) {
      result.textBeyondModel = summary(says.map((p) => p.firstText! - p.served! - ttft));
      result.modelCalled = summary(
        says.filter((p) => this.model.called.has(p.mark!))
          .map((p) => this.model.called.get(p.mark!)! - p.served!),
      );
      result.textAfterToken = summary(
        says.filter((p) => this.model.firstToken.has(p.mark!))
          .map((p) => p.firstText! - this.model.firstToken.get(p.mark!)!),
      );
      // Each chat's answers must come in the order of its messages: the next one's first text
      // only after the previous answer was complete.
      const byChat = new Map<number, Pending[]>();
      for (const p of says) byChat.set(p.chat, [...byChat.get(p.chat) ?? [], p]);
      let outOfOrder = 0;
      for (const list of byChat.values()) {
        if (list.some((p, i) => i > 0 && p.firstText! < list[i - 1]!.done!)) outOfOrder++;
      }
      result.outOfOrder = outOfOrder;
      for (const p of says) {
        this.model.firstToken.delete(p.mark!), this.model.called.delete(p.mark!);
      }
    }
    return result;
  }
}
