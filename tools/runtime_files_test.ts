// One list of the program's files (runtime_files.json) for the image and the compiled binary:
// every file a module of the program reads is on it, the Dockerfile and `deno task compile` take
// their files from it and name none of their own, and the copy the image is built from holds
// exactly the program's files.

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CONFIG_FILES,
  copyProgram,
  isListed,
  programFiles,
  readList,
  ROOT,
  runtimeReads,
} from "./runtime_files.ts";
import { compileArgs, launcherScript, v8Flags } from "./compile.ts";

Deno.test("runtime files: every file a module of the program reads is on the list", async () => {
  const list = await readList();
  const { modules } = await programFiles();
  assert.ok(modules.includes("main.ts") && modules.includes("src/cli/bot.ts"), "the whole graph");
  const outside: string[] = [];
  let reads = 0;
  for (const module of modules) {
    for (const read of runtimeReads(await Deno.readTextFile(join(ROOT, module)), module)) {
      reads++;
      if (read.path === undefined) {
        outside.push(`${module}: ${read.code} (name the file with new URL("…", import.meta.url))`);
      } else if (!isListed(read.path, list, modules)) {
        outside.push(`${module}: ${read.path} (${read.code}) is not in runtime_files.json`);
      }
    }
  }
  assert.deepEqual(outside, [], `files read outside the list:\n${outside.join("\n")}`);
  assert.ok(reads >= 6, `the program's reads were found (${reads})`);
});

Deno.test("runtime files: the reads of a module are found, and what cannot be known is reported", () => {
  const source = `
    export const A = new URL("../../safety/lexicon.json", import.meta.url);
    const dir = new URL('../../quizzes/', import.meta.url);
    // const commented = new URL("../../fixtures/x.json", import.meta.url);
    /* new URL("../../docs/y.md", import.meta.url) */
    const here = import.meta.dirname;
    const built = new URL(name, import.meta.url);
    await Deno.readTextFile("safety/helplines.json");
    await Deno.readTextFile(\`/proc/\${pid}/stat\`);
    await Deno.readFile(\`\${dir}/\${path}\`);
    if (import.meta.main) run();
  `;
  const reads = runtimeReads(source, "src/safety/x.ts");
  assert.deepEqual(reads.filter((r) => r.path).map((r) => r.path), [
    "safety/lexicon.json",
    "quizzes",
  ]);
  assert.deepEqual(reads.filter((r) => !r.path).map((r) => r.code), [
    "import.meta.dirname",
    "import.meta.url",
    'Deno.readTextFile("safety/helplines.json"',
  ]);
  const list = { entry: "main.ts", include: ["quizzes", "safety/lexicon.json"] };
  assert.ok(isListed("quizzes", list, []));
  assert.ok(isListed("quizzes/fears.json", list, []));
  assert.ok(isListed("safety/lexicon.json", list, []));
  assert.ok(!isListed("safety/helplines.json", list, []));
  assert.ok(!isListed("quizzes_old/a.json", list, []));
  assert.ok(isListed("src/a.ts", list, ["src/a.ts"]));
});

Deno.test("runtime files: the Dockerfile and `deno task compile` take their files from the list", async () => {
  const dockerfile = await Deno.readTextFile(join(ROOT, "Dockerfile"));
  const instructions = dockerfile.replace(/\\\n/g, " ").split("\n").filter((l) => !/^\s*#/.test(l));
  const copies = instructions.filter((l) => /^COPY /.test(l) && !l.includes("--from="));
  assert.deepEqual(copies, ["COPY deno.json deno.lock ./", "COPY . ."], "no file copied by name");
  const runs = instructions.join("\n");
  assert.match(runs, /deno run -A tools\/runtime_files\.ts copy \/opt\/soulbot/);
  assert.match(
    runs,
    /deno run -A tools\/compile\.ts --launcher --root \/opt\/soulbot --output \/out\/soulbot-launcher/,
  );
  assert.match(
    runs,
    /deno run -A tools\/compile\.ts --root \/opt\/soulbot --output \/out\/soulbot/,
  );
  assert.doesNotMatch(runs, /--include|deno compile/, "the includes come from the list");
  // Both variants take /opt/soulbot from the one stage that copied the list's files.
  assert.match(runs, /FROM files AS build/);
  assert.match(runs, /COPY --from=files \/opt\/soulbot \/opt\/soulbot/);
  const tasks = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks;
  assert.equal(tasks.compile.command, "deno run -A tools/compile.ts");
});

Deno.test("runtime files: the binary and the launcher run the same entry with the same flags over the same files", async () => {
  const list = await readList();
  const flags = await v8Flags();
  assert.ok(flags.length >= 1 && flags.every((f) => f.startsWith("--v8-flags=")), String(flags));
  const args = compileArgs(list, flags, "/out/soulbot");
  assert.equal(args[0], "compile");
  assert.equal(args.at(-1), list.entry);
  for (const path of list.include) {
    assert.ok(args.some((a, i) => a === path && args[i - 1] === "--include"), path);
  }
  for (const flag of flags) assert.ok(args.includes(flag), flag);
  const script = launcherScript(list, flags, "/opt/soulbot");
  const exec = script.split("\n").find((l) => l.startsWith("exec deno run "));
  assert.ok(exec, script);
  assert.ok(exec.endsWith(` /opt/soulbot/${list.entry} "$@"`), exec);
  assert.ok(exec.includes("--config /opt/soulbot/deno.json --v8-flags="), exec);
  for (const flag of flags) assert.ok(exec.includes(` ${flag} `), flag);
});

Deno.test("runtime files: the copy the image is built from holds exactly the program's files", async () => {
  const dest = await Deno.makeTempDir({ prefix: "soulbot_runtime_files_" });
  try {
    const { all, data } = await programFiles();
    assert.ok(data.includes("safety/helplines.json") && data.includes("migrations/0001_init.sql"));
    await copyProgram(ROOT, dest);
    const copied: string[] = [];
    const walk = async (dir: string) => {
      for await (const e of Deno.readDir(join(dest, dir))) {
        if (e.isDirectory) await walk(join(dir, e.name));
        else copied.push(join(dir, e.name));
      }
    };
    await walk("");
    assert.deepEqual(copied.sort(), [...all, ...CONFIG_FILES].sort());
    assert.ok(!copied.some((f) => f.endsWith("_test.ts") || f.startsWith("tests/")));
  } finally {
    await Deno.remove(dest, { recursive: true });
  }
});
