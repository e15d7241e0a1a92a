// `deno task check:imports`: the dependency rule of docs/ARCHITECTURE.md, checked. Reads every
// import (type-only ones too) of the program's modules (main.ts and src/, tests beside modules
// excluded), then fails on any import cycle and on any edge the layers forbid:
//
//   cli → app → bot | api → domain → db → leaf
//
// A module may import its own layer and the layers to its right, never one to its left; the
// domain (and everything below it) never imports grammY or hono, and a bot feature never imports
// another feature (what features share lives in src/bot/ itself). Prints what it found and exits
// 1 on a problem.

import { dirname, join, relative, resolve } from "node:path";

/** The layers, left to right; a module belongs to the first whose pattern matches its path. */
export const LAYERS: ReadonlyArray<{ name: string; match: RegExp }> = [
  { name: "cli", match: /^(main\.ts|src\/cli\/)/ },
  { name: "app", match: /^src\/(app\.ts|app\/|ops\/)/ },
  { name: "bot", match: /^src\/bot\// },
  { name: "api", match: /^src\/api\// },
  {
    name: "domain",
    match:
      /^src\/(chat|inbox|llm|patterns|payments|privacy|quiz|safety|stats|style|users|metrics)\/|^src\/config(_summary)?\.ts$/,
  },
  { name: "db", match: /^src\/db\// },
  { name: "leaf", match: /^src\// },
];

/** Layers each layer may import (besides itself). bot and api are siblings: neither sees the other. */
const ALLOWED: Record<string, readonly string[]> = {
  cli: ["app", "bot", "api", "domain", "db", "leaf"],
  app: ["bot", "api", "domain", "db", "leaf"],
  bot: ["domain", "db", "leaf"],
  api: ["domain", "db", "leaf"],
  domain: ["db", "leaf"],
  db: ["leaf"],
  leaf: [],
};

/** Packages only the edge layers may use. */
const EDGE_PACKAGES: ReadonlyArray<{ match: RegExp; layers: readonly string[] }> = [
  { match: /^(grammy|@grammyjs\/)/, layers: ["cli", "app", "bot"] },
  { match: /^hono/, layers: ["cli", "app", "api"] },
];

const FEATURE = /^src\/bot\/features\//;

export type Graph = Map<string, { local: string[]; packages: string[] }>;

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm;

/** Specifiers imported by a module's source (comments are stripped first). */
export function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [...code.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? "").filter(Boolean);
}

export function layerOf(path: string): string {
  return LAYERS.find((l) => l.match.test(path))?.name ?? "leaf";
}

/** Module path (relative to root) → its local imports and the packages it uses. */
export async function readGraph(root: string): Promise<Graph> {
  const graph: Graph = new Map();
  const files = ["main.ts", ...await walk(join(root, "src"), root)];
  for (const file of files) {
    const source = await Deno.readTextFile(join(root, file));
    const local: string[] = [];
    const packages: string[] = [];
    for (const spec of importsOf(source)) {
      if (spec.startsWith(".")) local.push(relative(root, resolve(root, dirname(file), spec)));
      else packages.push(spec.replace(/^npm:/, ""));
    }
    graph.set(file, { local, packages });
  }
  return graph;
}

async function walk(dir: string, root: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...await walk(path, root));
    else if (/\.tsx?$/.test(entry.name) && !/_test\.tsx?$/.test(entry.name)) {
      found.push(relative(root, path));
    }
  }
  return found.sort();
}

/** Strongly connected components with more than one module (or a self-import): the cycles. */
export function cycles(graph: Graph): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.local ?? []) {
      if (!graph.has(w)) continue;
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = graph.get(v)?.local.includes(v);
      if (component.length > 1 || selfLoop) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

/** Every import the layers forbid, as "from → to (layer → layer)". */
export function forbiddenEdges(graph: Graph): string[] {
  const found: string[] = [];
  for (const [from, { local, packages }] of graph) {
    const layer = layerOf(from);
    for (const to of local) {
      const target = layerOf(to);
      if (FEATURE.test(from) && FEATURE.test(to)) {
        found.push(`${from} → ${to} (a feature may not import another feature)`);
      }
      if (target !== layer && !ALLOWED[layer]?.includes(target)) {
        found.push(`${from} → ${to} (${layer} may not import ${target})`);
      }
    }
    for (const pkg of packages) {
      const edge = EDGE_PACKAGES.find((p) => p.match.test(pkg));
      if (edge && !edge.layers.includes(layer)) {
        found.push(`${from} → ${pkg} (${layer} may not use ${pkg.split("/")[0]})`);
      }
    }
  }
  return found;
}

if (import.meta.main) {
  const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
  const graph = await readGraph(root);
  const loops = cycles(graph);
  const edges = forbiddenEdges(graph);
  const imports = [...graph.values()].reduce((n, m) => n + m.local.length, 0);
  for (const loop of loops) console.log(`cycle: ${loop.join(" ↔ ")}`);
  for (const edge of edges) console.log(`forbidden: ${edge}`);
  console.log(
    `${graph.size} modules, ${imports} local imports: ${loops.length} cycles, ` +
      `${edges.length} forbidden edges`,
  );
  if (loops.length || edges.length) Deno.exit(1);
}
