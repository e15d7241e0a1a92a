// The import checker finds what it must: every import form, cycles of any length, each kind of
// forbidden edge.

import assert from "node:assert/strict";
import { cycles, forbiddenEdges, type Graph, importsOf, layerOf } from "./check_imports.ts";

const graph = (edges: Record<string, string[]>, packages: Record<string, string[]> = {}): Graph =>
  new Map(
    Object.entries(edges).map(([k, v]) => [k, { local: v, packages: packages[k] ?? [] }]),
  );

Deno.test("check:imports reads static, type-only, side-effect and dynamic imports, not comments", () => {
  const source = `import { a } from "./a.ts";
import type { B } from "../b.ts";
import "./side.ts";
export { c } from "./c.ts";
// import { gone } from "./commented.ts";
/* import { gone2 } from "./block.ts"; */
const d = await import("./d.ts");
import {
  e,
  f,
} from "npm:grammy";`;
  assert.deepEqual(importsOf(source), [
    "./a.ts",
    "../b.ts",
    "./side.ts",
    "./c.ts",
    "./d.ts",
    "npm:grammy",
  ]);
});

Deno.test("check:imports finds every cycle, however long, and nothing in a tree", () => {
  const found = cycles(graph({
    "src/a.ts": ["src/b.ts"],
    "src/b.ts": ["src/c.ts"],
    "src/c.ts": ["src/a.ts"],
    "src/d.ts": ["src/e.ts"],
    "src/e.ts": ["src/d.ts"],
    "src/f.ts": ["src/a.ts"],
    "src/g.ts": ["src/g.ts"],
  }));
  assert.deepEqual(found.map((c) => c.join(",")).sort(), [
    "src/a.ts,src/b.ts,src/c.ts",
    "src/d.ts,src/e.ts",
    "src/g.ts",
  ]);
  assert.deepEqual(cycles(graph({ "src/a.ts": ["src/b.ts"], "src/b.ts": [] })), []);
});

Deno.test("check:imports: layers import only to their right; grammY only at the edge; features stand alone", () => {
  assert.deepEqual(layerOf("src/cli/bot.ts"), "cli");
  assert.deepEqual(layerOf("src/app.ts"), "app");
  assert.deepEqual(layerOf("src/bot/features/quiz.ts"), "bot");
  assert.deepEqual(layerOf("src/payments/service.ts"), "domain");
  assert.deepEqual(layerOf("src/db/db.ts"), "db");
  assert.deepEqual(layerOf("src/log.ts"), "leaf");
  const found = forbiddenEdges(graph({
    "src/cli/bot.ts": ["src/app.ts", "src/bot/bot.ts", "src/db/db.ts"],
    "src/bot/bot.ts": ["src/quiz/engine.ts", "src/app.ts"],
    "src/bot/features/a.ts": ["src/bot/features/b.ts", "src/bot/nav.ts"],
    "src/payments/notify.ts": ["src/bot/ui.ts", "src/db/db.ts"],
    "src/db/db.ts": ["src/log.ts", "src/quiz/engine.ts"],
    "src/api/app.ts": ["src/bot/ui.ts"],
  }, { "src/payments/notify.ts": ["grammy"], "src/bot/bot.ts": ["grammy"] }));
  assert.deepEqual(found, [
    "src/bot/bot.ts → src/app.ts (bot may not import app)",
    "src/bot/features/a.ts → src/bot/features/b.ts (a feature may not import another feature)",
    "src/payments/notify.ts → src/bot/ui.ts (domain may not import bot)",
    "src/payments/notify.ts → grammy (domain may not use grammy)",
    "src/db/db.ts → src/quiz/engine.ts (db may not import domain)",
    "src/api/app.ts → src/bot/ui.ts (api may not import bot)",
  ]);
});
