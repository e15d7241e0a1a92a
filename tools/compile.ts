// `deno task compile`: the release binary `soulbot`, by `deno compile` with every data file
// runtime_files.json lists (--include) and the V8 flags of deno.json's `bot` task. `--launcher`
// writes instead a shell script that runs the same entry over the same files with deno — the
// image's CI variant, where `deno compile` cannot download its runtime (Dockerfile).
//
//   deno run -A tools/compile.ts [--root DIR] [--output FILE] [--launcher]
//
// --root: where the program's files are (default: the repository; the image copies them to
// /opt/soulbot first). --output: default ./soulbot.

import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readList, ROOT, type RuntimeList } from "./runtime_files.ts";

/** The V8 flags the program runs with: deno.json's `bot` task's (one place for them). */
export async function v8Flags(root: string = ROOT): Promise<string[]> {
  const tasks = JSON.parse(await Deno.readTextFile(join(root, "deno.json"))).tasks as Record<
    string,
    { command: string }
  >;
  return tasks.bot!.command.split(" ").filter((a) => a.startsWith("--v8-flags="));
}

/** `deno compile`'s arguments: the listed data files included, the entry last. */
export function compileArgs(list: RuntimeList, flags: string[], output: string): string[] {
  return [
    "compile",
    "-A",
    "--frozen",
    ...flags,
    ...list.include.flatMap((path) => ["--include", path]),
    "--output",
    output,
    list.entry,
  ];
}

/** A launcher over the files in `root`: the same entry and flags as the binary, run by deno. */
export function launcherScript(list: RuntimeList, flags: string[], root: string): string {
  return [
    "#!/bin/sh",
    `# soulbot: ${list.entry} in ${root} run by deno (written by tools/compile.ts --launcher)`,
    `exec deno run -A --frozen --cached-only --quiet --config ${root}/deno.json ${
      flags.join(" ")
    } ${root}/${list.entry} "$@"`,
    "",
  ].join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      root: { type: "string", default: ROOT },
      output: { type: "string", default: "soulbot" },
      launcher: { type: "boolean", default: false },
    },
  });
  const root = resolve(values.root);
  const output = resolve(values.output);
  const list = await readList();
  const flags = await v8Flags();
  if (values.launcher) {
    await Deno.writeTextFile(output, launcherScript(list, flags, root));
    await Deno.chmod(output, 0o755);
    console.log(`Launcher ${output} runs ${root}/${list.entry}`);
  } else {
    const status = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(list, flags, output),
      cwd: root,
    }).spawn().status;
    Deno.exit(status.code);
  }
}
