// A command that fails logs its fatal line in the configured format at level ERROR: one JSON line
// with LOG_FORMAT=json (or ENV=prod), so `make logs-bot | grep ERROR` finds a crash loop in a
// container; a readable "ERROR …" line with the problems listed below it otherwise.

import assert from "node:assert/strict";
import { type RunResult, runSoulbot } from "../harness/cli.ts";

const BOT_TOKEN = "123456:SECRETbottokenVALUE_abcdefghijklmnop";

function show(r: RunResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

function jsonLines(r: RunResult): Record<string, unknown>[] {
  return r.stderr.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

async function inEmptyDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_fatal_" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("fatal line: an invalid configuration is one JSON ERROR line with LOG_FORMAT=json", async () => {
  const r = await inEmptyDir((dir) =>
    runSoulbot(["bot"], { LOG_FORMAT: "json", BOT_TOKEN: "not-a-token", API_PORT: "99999" }, dir)
  );
  assert.equal(r.code, 1, show(r));
  const lines = jsonLines(r);
  assert.equal(lines.length, 1, show(r));
  const [line] = lines;
  assert.equal(line!.level, "ERROR");
  assert.equal(line!.msg, "soulbot bot: the configuration is invalid");
  const problems = line!.problems as string[];
  assert.ok(problems.some((p) => p.startsWith("BOT_TOKEN")), show(r));
  assert.ok(problems.some((p) => p.startsWith("API_PORT")), show(r));
  assert.doesNotMatch(r.stderr, /not-a-token/, "no value of a secret");
});

Deno.test("fatal line: a failure at start-up is a JSON ERROR line under ENV=prod's default format", async () => {
  // .env.prod in the working directory: ENV=prod reads it, and JSON is prod's default format.
  const r = await inEmptyDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/.env.prod`, `BOT_TOKEN=${BOT_TOKEN}\nDATA_DIR=${dir}/data\n`);
    return runSoulbot(["bot", "--receive-only"], { ENV: "prod" }, dir);
  });
  assert.equal(r.code, 1, show(r));
  const errors = jsonLines(r).filter((l) => l.level === "ERROR");
  assert.equal(errors.length, 1, show(r));
  assert.match(
    String(errors[0]!.msg),
    /^soulbot bot: soulbot bot --receive-only needs a PostgreSQL/,
  );
  assert.match(String(errors[0]!.time), /^\d{4}-\d\d-\d\dT/);
});

Deno.test("fatal line: readable ERROR line and the problems below it with LOG_FORMAT=pretty", async () => {
  const r = await inEmptyDir((dir) =>
    runSoulbot(["bot"], { ENV: "prod", LOG_FORMAT: "pretty", API_PORT: "99999" }, dir)
  );
  assert.equal(r.code, 1, show(r));
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines[0], "ERROR soulbot bot: the configuration is invalid:", show(r));
  assert.ok(lines.some((l) => /^ {2}- BOT_TOKEN is missing/.test(l)), show(r));
  assert.ok(lines.some((l) => /^ {2}- API_PORT/.test(l)), show(r));
  assert.match(lines.at(-1)!, /^Fix these in the env file/);
});
