// scripts/safe_redeploy.sh --clean asks first, before anything runs, and reads the answer from its
// own input (the terminal, or a pipe: echo DELETE | make redeploy): no command can swallow it.
// The whole deploy runs against real containers in the Docker stage (tests/docker/).

import assert from "node:assert/strict";

const SCRIPT = new URL("../../scripts/safe_redeploy.sh", import.meta.url).pathname;

async function redeploy(args: string[], input: string | null) {
  // A copy in a directory of its own: the script works in its parent, with no .env.prod there.
  const dir = await Deno.makeTempDir({ prefix: "soulbot_redeploy_" });
  await Deno.mkdir(`${dir}/scripts`);
  await Deno.copyFile(SCRIPT, `${dir}/scripts/safe_redeploy.sh`);
  const child = new Deno.Command("bash", {
    args: [`${dir}/scripts/safe_redeploy.sh`, ...args],
    // No compose or docker to reach: the answer alone decides.
    env: { COMPOSE: "false", PATH: "/usr/bin:/bin" },
    stdin: input === null ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== null) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
  }
  const out = await child.output();
  await Deno.remove(dir, { recursive: true });
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

Deno.test("safe_redeploy --clean: a wrong answer or none deletes nothing and says so", async () => {
  const wrong = await redeploy(["--clean", "--no-pull"], "delete\n");
  assert.equal(wrong.code, 1, wrong.out);
  assert.match(wrong.out, /Type DELETE to wipe the database/);
  assert.match(wrong.out, /❌ not confirmed: nothing was deleted/);
  assert.doesNotMatch(wrong.out, /==> 1\/6/, "asked before any step");

  const closed = await redeploy(["--clean", "--no-pull"], null);
  assert.equal(closed.code, 1, closed.out);
  assert.match(closed.out, /❌ no answer \(input closed\): nothing was deleted.*--yes-delete-data/);
});

Deno.test("safe_redeploy --clean: DELETE piped in is taken, and the deploy goes on", async () => {
  // No .env.prod beside the copy: the first step after the answer stops there.
  const r = await redeploy(["--clean", "--no-pull"], "DELETE\n");
  assert.doesNotMatch(r.out, /not confirmed|no answer/, r.out);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /❌ \.env\.prod is missing/);
});

Deno.test("safe_redeploy: --help and an unknown option", async () => {
  const help = await redeploy(["--help"], null);
  assert.equal(help.code, 0, help.out);
  assert.match(help.out, /--yes-delete-data in automation/);
  const bad = await redeploy(["--bogus"], null);
  assert.equal(bad.code, 2, bad.out);
});
