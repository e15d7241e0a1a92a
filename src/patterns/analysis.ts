// Pattern analysis in the background, after an answer has been delivered (never delaying it):
// a quick analysis of the recent messages every QUICK_EVERY answered messages per assistant, a
// deep analysis of the whole profile every DEEP_EVERY answered messages overall. One analysis at
// a time per user — a per-user queue in the process, and a lease (src/db/leases.ts) among
// processes, so two workers answering one user never analyse them at once or twice over the same
// retry; a failure is a warning and is tried again after the next answer. Each run logs one line with QUICK ANALYSIS / DEEP ANALYSIS, a pseudonymous user id,
// counts and the duration — never message text.

import type { Db } from "../db/db.ts";
import type { Logger } from "../log.ts";
import type { Pseudonym } from "../log_ids.ts";
import type { ChatMessage, Llm, LlmApi } from "../llm/llm.ts";
import type { Assistant } from "../llm/prompts.ts";
import { answeredCount, lastExchanges } from "../chat/history.ts";
import { countDaily, statDate } from "../stats/daily.ts";
import { withLease } from "../db/leases.ts";
import { type Embeddings, mergePatterns, retireByTitle } from "./merge.ts";
import { activePatterns, type Candidate, cut, LIMITS, type Pattern } from "./profile.ts";
import { withRealQuotes } from "./quotes.ts";
import type { z } from "zod";
import { embeddingText } from "./similarity.ts";
import { askStructured, deepOutput, deepPrompt, quickOutput, quickPrompt } from "./prompts.ts";
import { loadProfile, loadRetries, setRetry, type StoredProfile, updateProfile } from "./store.ts";

export const QUICK_EVERY = 3;
export const DEEP_EVERY = 20;
const QUICK_MESSAGES = 10;
const DEEP_MESSAGES = 30;
const KNOWN_TITLES = 10;
/** How long one process may hold a user's analysis before another may take it over. */
const ANALYSIS_LEASE_MS = 5 * 60_000;

export interface AnalyzerDeps {
  db: Db;
  llm: Llm;
  log: Logger;
  /** Whether a user's messages are analysed (ENABLE_PATTERN_ANALYSIS, rolled out per user). */
  enabledFor: (userId: number) => boolean;
  /** Which OpenAI API a user's calls go to (USE_CHAT_COMPLETION). */
  api: (userId: number) => LlmApi;
  model: string;
  embeddingModel: string;
  now: () => Date;
  pseudonym: Pseudonym;
}

export interface RunReport {
  messages: number;
  found: number;
  added: number;
  merged: number;
  retired: number;
  quotesDropped: number;
  embeddings: "ok" | "failed" | "none";
}

export interface Analyzer {
  /** Whether pattern analysis is on for this user (flag and rollout). */
  enabledFor(userId: number): boolean;
  /** Called once an answer to message `messageId` was delivered and saved. */
  afterAnswer(userId: number, assistant: Assistant, messageId: number): void;
  /** Patterns a completed quiz revealed, merged like any others. */
  afterQuiz(userId: number, candidates: Candidate[]): void;
  /** Resolves when no analysis is running or queued (tests, shutdown). */
  idle(): Promise<void>;
  quick(userId: number, assistant: Assistant): Promise<RunReport>;
  deep(userId: number): Promise<RunReport>;
  absorb(userId: number, candidates: Candidate[], messages?: number): Promise<RunReport>;
}

export function createAnalyzer(deps: AnalyzerDeps): Analyzer {
  const { db, llm, log } = deps;
  const queues = new Map<number, Promise<void>>();
  const running = new Set<Promise<void>>();
  const owner = `analysis:${crypto.randomUUID()}`;

  function enqueue(userId: number, job: () => Promise<void>) {
    const before = queues.get(userId) ?? Promise.resolve();
    const lease = `analysis:${deps.pseudonym(userId)}`;
    const exclusive = () => withLease(db, lease, owner, { ms: ANALYSIS_LEASE_MS }, job);
    const next = before.then(exclusive).catch((err) =>
      log.warn("Pattern analysis failed", { user: deps.pseudonym(userId), err })
    );
    queues.set(userId, next);
    running.add(next);
    next.finally(() => {
      running.delete(next);
      if (queues.get(userId) === next) queues.delete(userId);
    });
  }

  /** Vectors for the candidates and for stored patterns that have none (failure: none). */
  async function embed(candidates: Candidate[], missing: Pattern[]) {
    const texts = [...candidates, ...missing].map(embeddingText);
    if (!texts.length) return { vectors: [] as number[][], extra: {}, status: "none" as const };
    try {
      const vectors = await llm.embed({ model: deps.embeddingModel, input: texts });
      const extra: Embeddings = {};
      missing.forEach((p, i) => extra[p.id] = vectors[candidates.length + i]!);
      return { vectors: vectors.slice(0, candidates.length), extra, status: "ok" as const };
    } catch (err) {
      log.warn("Embeddings unavailable: patterns are merged by their words", { err });
      return { vectors: [] as number[][], extra: {}, status: "failed" as const };
    }
  }

  async function merge(
    userId: number,
    candidates: Candidate[],
    apply: (p: StoredProfile) => number = () => 0,
  ) {
    // Embeddings come first, outside the row lock; stored patterns without one get one now.
    const [stored] = await db.query<Pick<StoredProfile, "patterns" | "embeddings">>(
      "SELECT patterns, embeddings FROM user_profiles WHERE user_id = $1",
      [userId],
    );
    const missing = activePatterns(stored ?? { patterns: [] })
      .filter((p) => !stored?.embeddings[p.id]);
    const { vectors, extra, status } = await embed(candidates, missing);
    const now = deps.now();
    const outcome = await updateProfile(db, userId, now, (p) => {
      for (const [id, v] of Object.entries(extra)) p.embeddings[id] ??= v;
      const retiredByModel = apply(p);
      const m = mergePatterns({
        patterns: p.patterns,
        embeddings: p.embeddings,
        candidates: candidates.map((candidate, i) => ({ candidate, embedding: vectors[i] })),
        now,
        newId: () => crypto.randomUUID(),
      });
      p.patterns = m.patterns;
      p.embeddings = m.embeddings;
      return { ...m, retired: m.retired + retiredByModel };
    });
    return { ...outcome, embeddings: status };
  }

  const ask = <T>(userId: number, name: string, schema: z.ZodType<T>, messages: ChatMessage[]) =>
    askStructured(llm, { api: deps.api(userId), model: deps.model }, name, schema, messages);

  function report(kind: "QUICK" | "DEEP", userId: number, started: number, r: RunReport) {
    log.info(`${kind} ANALYSIS`, {
      user: deps.pseudonym(userId),
      messages: r.messages,
      found: r.found,
      added: r.added,
      merged: r.merged,
      retired: r.retired,
      quotes_dropped: r.quotesDropped,
      embeddings: r.embeddings,
      ms: Math.round(performance.now() - started),
    });
  }

  async function quick(userId: number, assistant: Assistant): Promise<RunReport> {
    const started = performance.now();
    const messages = await lastExchanges(db, userId, QUICK_MESSAGES, assistant);
    const own = messages.filter((m) => m.role === "user").map((m) => m.content);
    const profile = await loadProfile(db, userId);
    const titles = activePatterns(profile).sort((a, b) => b.occurrences - a.occurrences)
      .slice(0, KNOWN_TITLES);
    const out = await ask(userId, "quick_analysis", quickOutput, quickPrompt(messages, titles));
    const { candidates, dropped } = withRealQuotes(out.patterns, own);
    const now = deps.now();
    const m = await merge(userId, candidates, (p) => {
      p.emotional_state = {
        ...out.state,
        mood: cut(out.state.mood, 60),
        updated_at: now.toISOString(),
      };
      p.quick_at = now;
      p.retry_quick = null;
      return 0;
    });
    await countDaily(db, statDate(now), "quick_analyses");
    const r = {
      messages: messages.length,
      found: out.patterns.length,
      quotesDropped: dropped,
      ...m,
    };
    report("QUICK", userId, started, r);
    return r;
  }

  async function deep(userId: number): Promise<RunReport> {
    const started = performance.now();
    const messages = await lastExchanges(db, userId, DEEP_MESSAGES);
    const own = messages.filter((m) => m.role === "user").map((m) => m.content);
    const profile = await loadProfile(db, userId);
    const out = await ask(
      userId,
      "deep_analysis",
      deepOutput,
      deepPrompt(messages, activePatterns(profile), profile.insights),
    );
    const { candidates, dropped } = withRealQuotes(out.patterns, own);
    const now = deps.now();
    const at = now.toISOString();
    const m = await merge(userId, candidates, (p) => {
      p.insights = out.insights.slice(0, LIMITS.insights).map((i) => ({
        title: cut(i.title, LIMITS.title),
        text: cut(i.text, LIMITS.description),
        recommendation: cut(i.recommendation, LIMITS.description),
        created_at: at,
      }));
      p.emotional_state = { ...out.state, mood: cut(out.state.mood, 60), updated_at: at };
      p.deep_at = now;
      p.retry_deep = false;
      return retireByTitle(p.patterns, out.retire);
    });
    await countDaily(db, statDate(now), "deep_analyses");
    const r = {
      messages: messages.length,
      found: out.patterns.length,
      quotesDropped: dropped,
      ...m,
    };
    report("DEEP", userId, started, r);
    return r;
  }

  async function absorb(userId: number, candidates: Candidate[], messages = 0) {
    const started = performance.now();
    const m = await merge(userId, candidates);
    const r = { messages, found: candidates.length, quotesDropped: 0, ...m };
    log.info("QUIZ PATTERNS", {
      user: deps.pseudonym(userId),
      found: r.found,
      added: r.added,
      merged: r.merged,
      embeddings: r.embeddings,
      ms: Math.round(performance.now() - started),
    });
    return r;
  }

  /** Runs one kind of analysis; a failure is remembered so the next answer tries again. */
  async function attempt(
    kind: "quick" | "deep",
    userId: number,
    run: () => Promise<unknown>,
    retryValue: Assistant | true,
  ) {
    const started = performance.now();
    try {
      await run();
    } catch (err) {
      log.warn(`${kind.toUpperCase()} ANALYSIS failed; will try again after the next answer`, {
        user: deps.pseudonym(userId),
        err,
        ms: Math.round(performance.now() - started),
      });
      await setRetry(db, userId, kind, retryValue);
    }
  }

  const { enabledFor } = deps;

  return {
    enabledFor,
    afterAnswer(userId, assistant, messageId) {
      if (!enabledFor(userId)) return;
      enqueue(userId, async () => {
        const mine = await answeredCount(db, userId, messageId, assistant);
        const all = await answeredCount(db, userId, messageId);
        const retry = await loadRetries(db, userId);
        if (mine % QUICK_EVERY === 0 || retry.retry_quick === assistant) {
          await attempt("quick", userId, () => quick(userId, assistant), assistant);
        }
        if (all % DEEP_EVERY === 0 || retry.retry_deep) {
          await attempt("deep", userId, () => deep(userId), true);
        }
      });
    },
    afterQuiz(userId, candidates) {
      if (!enabledFor(userId) || !candidates.length) return;
      enqueue(userId, async () => {
        await absorb(userId, candidates);
      });
    },
    async idle() {
      while (running.size) await Promise.allSettled([...running]);
    },
    quick,
    deep,
    absorb,
  };
}
