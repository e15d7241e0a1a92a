// Scenario files: where they are, reading and writing them, and the normalisation that makes a
// replay's Bot API calls comparable with its golden file (see scenario.ts for the format).

import type { ApiCall } from "./telegram.ts";
import type { Exchange } from "./scenario.ts";

export const SCENARIOS_DIR = new URL("../../fixtures/scenarios/", import.meta.url);

export async function listScenarios(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(SCENARIOS_DIR)) if (e.isDirectory) names.push(e.name);
  return names.sort();
}

export async function readJson<T>(url: URL): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(url)) as T;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

export function expectedPath(name: string): URL {
  return new URL(`${name}/expected.json`, SCENARIOS_DIR);
}

export async function readExpected(name: string): Promise<Exchange[] | undefined> {
  return await readJson<Exchange[]>(expectedPath(name));
}

export async function writeExpected(name: string, exchanges: Exchange[]): Promise<void> {
  await Deno.writeTextFile(expectedPath(name), JSON.stringify(exchanges, null, 2) + "\n");
}

/** JSON's view of values: what a golden file can hold. */
export function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
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
