// Scenario replay: fixtures/scenarios/<name>/ holds updates.json (Telegram updates, as recorded
// by `bot --record` and scrubbed), optional openai.json (scripted OpenAI responses, see
// openai_mock.ts) and expected.json (the Bot API calls the bot must make, normalised).
// With UPDATE_GOLDEN=1 the expected files are rewritten instead of compared.

import type { Update } from "grammy/types";
import { startTestBot } from "./bot.ts";
import type { ApiCall } from "./telegram.ts";
import { type ScriptedResponse, startOpenAiMock } from "./openai_mock.ts";

export const SCENARIOS_DIR = new URL("../../fixtures/scenarios/", import.meta.url);

export interface ScenarioResult {
  calls: ApiCall[];
  /** Scripted OpenAI responses the bot never asked for, and requests nobody scripted. */
  openaiLeftover: number;
  openaiUnscripted: number;
  errorLines: string[];
}

export async function listScenarios(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(SCENARIOS_DIR)) if (e.isDirectory) names.push(e.name);
  return names.sort();
}

async function readJson<T>(url: URL): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(url)) as T;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

export async function replayScenario(name: string): Promise<ScenarioResult> {
  const dir = new URL(`${name}/`, SCENARIOS_DIR);
  const updates = await readJson<Update[]>(new URL("updates.json", dir));
  if (!updates) throw new Error(`Scenario ${name} has no updates.json`);
  const script = await readJson<ScriptedResponse[]>(new URL("openai.json", dir)) ?? [];
  await using openai = await startOpenAiMock();
  openai.script(...script);
  await using bot = await startTestBot();
  for (const update of updates) await bot.handle(update);
  return {
    calls: normalise(bot.api.calls),
    openaiLeftover: openai.pending(),
    openaiUnscripted: openai.unscripted,
    errorLines: bot.log.lines.filter((l) => /^(ERROR|CRITICAL)/.test(l)),
  };
}

export function expectedPath(name: string): URL {
  return new URL(`${name}/expected.json`, SCENARIOS_DIR);
}

export async function readExpected(name: string): Promise<ApiCall[] | undefined> {
  return await readJson<ApiCall[]>(expectedPath(name));
}

export async function writeExpected(name: string, calls: ApiCall[]): Promise<void> {
  await Deno.writeTextFile(expectedPath(name), JSON.stringify(calls, null, 2) + "\n");
}

/** Dates vary between runs, and undefined fields are never sent; everything else must match. */
export function normalise(calls: ApiCall[]): ApiCall[] {
  const walk = (v: unknown, key = ""): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, walk(x, k)]),
      );
    }
    if (key === "date" && typeof v === "number") return "<date>";
    if (typeof v === "string") {
      return v.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<timestamp>");
    }
    return v;
  };
  return calls.map((c) => ({
    method: c.method,
    payload: walk(c.payload) as Record<string, unknown>,
  }));
}
