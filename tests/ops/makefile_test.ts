// The make targets the README and the runbook use: the logs targets print the last N lines and
// exit (so `make logs-bot | head -50` returns), the follow targets follow; make passes API_PORT to
// compose, which publishes the api on it.

import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

async function dryRun(...args: string[]): Promise<string> {
  const out = await new Deno.Command("make", {
    args: ["-n", ...args, "COMPOSE=compose"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("make logs*: the last N lines, no following; make follow*: following", async () => {
  for (
    const [target, service] of [["logs-bot", "bot"], ["logs-api", "api"], ["logs-db", "postgres"]]
  ) {
    const command = await dryRun(target!);
    assert.equal(command, `compose logs --no-color --no-log-prefix --tail=200 ${service}`);
    assert.equal(
      await dryRun(target!, "N=50"),
      `compose logs --no-color --no-log-prefix --tail=50 ${service}`,
    );
  }
  assert.equal(await dryRun("logs"), "compose logs --no-color --tail=200");
  for (const target of ["follow", "follow-bot", "follow-api", "follow-db"]) {
    assert.match(await dryRun(target), /^compose logs -f /);
  }
});

Deno.test("make exports API_PORT, the published port compose.yaml and make health use", async () => {
  const compose = await Deno.readTextFile(`${ROOT}compose.yaml`);
  assert.match(compose, /- "\$\{API_PORT:-8080\}:8080"/);
  assert.match(
    await dryRun("health", "API_PORT=18080"),
    /curl -fsS http:\/\/localhost:18080\/health/,
  );
  // Exported: the compose make runs publishes the api where make health asks.
  const out = await new Deno.Command("make", {
    args: ["-s", "--eval", "show-port: ; @echo port=$$API_PORT", "show-port", "API_PORT=18080"],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "port=18080");
});
