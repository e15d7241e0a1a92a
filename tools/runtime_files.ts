// The program's files: main.ts's own modules (its module graph as `deno info` sees it, which is
// what `deno compile` embeds) and the data files runtime_files.json lists. One list for the image
// (the Dockerfile copies it), the compiled binary (tools/compile.ts --includes it) and the test
// that every file a module of the program reads is in it (runtime_files_test.ts).
//
//   deno run -A tools/runtime_files.ts list         the files, one per line, relative to the root
//   deno run -A tools/runtime_files.ts copy DEST    copies them, deno.json and deno.lock to DEST

import { dirname, join, normalize, relative, resolve } from "node:path";

export interface RuntimeList {
  /** The program's entry module; its module graph is found, not listed. */
  entry: string;
  /** Files and directories read at run time, relative to the root. */
  include: string[];
}

/** What deno resolves the npm packages with: copied beside the program, not part of it. */
export const CONFIG_FILES = ["deno.json", "deno.lock"];

export const LIST_FILE = "runtime_files.json";

/** The repository's root (this file's parent directory). */
export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");

export async function readList(root: string = ROOT): Promise<RuntimeList> {
  const raw = JSON.parse(await Deno.readTextFile(join(root, LIST_FILE))) as Partial<RuntimeList>;
  if (typeof raw.entry !== "string" || !Array.isArray(raw.include)) {
    throw new Error(`${LIST_FILE}: needs "entry" (a module) and "include" (a list of paths)`);
  }
  return { entry: raw.entry, include: raw.include.map((p) => normalize(p).replace(/\/$/, "")) };
}

/** The local modules of `entry`'s graph (static and dynamic imports), relative to `root`. */
export async function modulesOf(root: string, entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno info ${entry} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string; local?: string; error?: string }[];
  };
  const broken = info.modules.filter((m) => m.error);
  if (broken.length) {
    throw new Error(`deno info ${entry}: ${broken.map((m) => m.error).join("; ")}`);
  }
  return info.modules
    .filter((m) => m.specifier.startsWith("file:") && m.local)
    .map((m) => relative(root, m.local!))
    .sort();
}

/** Every file under the listed paths (a listed file is itself). */
export async function includedFiles(root: string, include: string[]): Promise<string[]> {
  const found: string[] = [];
  const walk = async (path: string) => {
    const info = await Deno.stat(join(root, path)).catch(() => undefined);
    if (!info) throw new Error(`${LIST_FILE} lists ${path}, which does not exist`);
    if (!info.isDirectory) return void found.push(path);
    for await (const e of Deno.readDir(join(root, path))) await walk(join(path, e.name));
  };
  for (const path of include) await walk(path);
  return found.sort();
}

export interface ProgramFiles {
  modules: string[];
  data: string[];
  /** modules and data, sorted: what the image holds and the binary embeds. */
  all: string[];
}

export async function programFiles(root: string = ROOT): Promise<ProgramFiles> {
  const list = await readList(root);
  const modules = await modulesOf(root, list.entry);
  const data = await includedFiles(root, list.include);
  return { modules, data, all: [...new Set([...modules, ...data])].sort() };
}

/** Whether `path` (relative to the root) is one of the program's modules or under a listed path. */
export function isListed(path: string, list: RuntimeList, modules: readonly string[]): boolean {
  const p = normalize(path).replace(/\/$/, "");
  return modules.includes(p) || list.include.some((i) => p === i || p.startsWith(`${i}/`));
}

export interface RuntimeRead {
  /** The path the module names, relative to the root; undefined when it cannot be known. */
  path?: string;
  /** The source text that names it. */
  code: string;
}

const URL_OF_LITERAL = /new\s+URL\(\s*(["'`])([^"'`$]*)\1\s*,\s*import\.meta\.url\s*\)/g;
const META_PATH = /import\.meta\.(url|dirname|filename|resolve)\b/g;
const FS_CALL =
  /Deno\.(?:readTextFile|readFile|readDir|open|stat|lstat|realPath|readLink)(?:Sync)?\(\s*(["'`])([^"'`]*)\1/g;

/**
 * The files a module's source names for reading at run time: every `new URL("…", import.meta.url)`
 * resolved against the module; `import.meta` used any other way (dirname, filename, a URL built
 * from a variable) and a relative path given to a Deno file call (it depends on the working
 * directory) as reads whose path cannot be known.
 */
export function runtimeReads(source: string, module: string): RuntimeRead[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const reads: RuntimeRead[] = [];
  const known = new Set<number>();
  for (const m of code.matchAll(URL_OF_LITERAL)) {
    reads.push({ path: normalize(join(dirname(module), m[2]!)).replace(/\/$/, ""), code: m[0] });
    known.add(m.index! + m[0].lastIndexOf("import.meta.url"));
  }
  for (const m of code.matchAll(META_PATH)) {
    if (!known.has(m.index!)) reads.push({ code: m[0] });
  }
  for (const m of code.matchAll(FS_CALL)) {
    // An absolute path (/proc/…) or one built from a variable is not the program's file.
    if (!m[2]!.startsWith("/") && !m[2]!.startsWith("${")) reads.push({ code: m[0] });
  }
  return reads;
}

/** Copies the program's files and the configuration files to `dest`, keeping their paths. */
export async function copyProgram(root: string, dest: string): Promise<number> {
  const { all } = await programFiles(root);
  for (const file of [...all, ...CONFIG_FILES]) {
    await Deno.mkdir(dirname(join(dest, file)), { recursive: true });
    await Deno.copyFile(join(root, file), join(dest, file));
  }
  return all.length;
}

if (import.meta.main) {
  const [command, dest] = Deno.args;
  if (command === "list") {
    for (const file of (await programFiles()).all) console.log(file);
  } else if (command === "copy" && dest) {
    const n = await copyProgram(ROOT, resolve(dest));
    console.log(`Copied ${n} program files and ${CONFIG_FILES.join(", ")} to ${dest}`);
  } else {
    console.error("Usage: deno run -A tools/runtime_files.ts list | copy DEST");
    Deno.exit(2);
  }
}
