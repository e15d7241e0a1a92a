import assert from "node:assert/strict";
import { createEchoes } from "./echoes.ts";

Deno.test("echoes: each insert of our own takes back one notification; the others wake", () => {
  const echoes = createEchoes(1_000, () => 0);
  echoes.expect();
  echoes.expect();
  assert.equal(echoes.isEcho(), true);
  assert.equal(echoes.isEcho(), true);
  assert.equal(echoes.isEcho(), false, "a third notification is another process's insert");
});

Deno.test("echoes: a failed insert sends nothing back, so no notification is taken for it", () => {
  const echoes = createEchoes(1_000, () => 0);
  const failed = echoes.expect();
  echoes.expect();
  echoes.forget(failed);
  assert.equal(echoes.isEcho(), true);
  assert.equal(echoes.isEcho(), false);
});

Deno.test("echoes: a notification that never came (listening was down) stops being awaited", () => {
  let clock = 0;
  const echoes = createEchoes(1_000, () => clock);
  echoes.expect();
  clock = 1_001;
  assert.equal(echoes.isEcho(), false, "past the window a notification wakes the worker");
  echoes.expect();
  clock = 1_500;
  assert.equal(echoes.isEcho(), true, "within it, it is taken back");
});
