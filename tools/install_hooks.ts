// Installs .git/hooks/pre-commit: `deno task test:quick` before every commit (unit + smoke).
// An existing hook that is not ours is kept as pre-commit.local and still run first.

const MARK = "# soulnear pre-commit hook";
const HOOK = `#!/usr/bin/env bash
${MARK}
set -e
cd "$(git rev-parse --show-toplevel)"
if [ -x .git/hooks/pre-commit.local ]; then .git/hooks/pre-commit.local; fi
echo "🧪 deno task test:quick ..."
if ! npx -y deno@2.9.5 task test:quick >/tmp/soulnear-pre-commit.log 2>&1; then
  tail -n 40 /tmp/soulnear-pre-commit.log
  echo "❌ Tests failed: the commit is cancelled (log: /tmp/soulnear-pre-commit.log)."
  exit 1
fi
echo "✅ Tests are green."
`;

const root = new TextDecoder().decode(
  (await new Deno.Command("git", { args: ["rev-parse", "--git-dir"] }).output()).stdout,
).trim();
if (!root) {
  console.error("Not a git repository");
  Deno.exit(1);
}
const path = `${root}/hooks/pre-commit`;
try {
  const existing = await Deno.readTextFile(path);
  if (!existing.includes(MARK)) await Deno.rename(path, `${path}.local`);
} catch (err) {
  if (!(err instanceof Deno.errors.NotFound)) throw err;
}
await Deno.mkdir(`${root}/hooks`, { recursive: true });
await Deno.writeTextFile(path, HOOK);
await Deno.chmod(path, 0o755);
console.log(`✅ Installed ${path}: every commit runs deno task test:quick`);
