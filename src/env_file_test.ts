// Tests for choosing, reading and merging the env file under the real environment.

import assert from "node:assert/strict";
import { join } from "node:path";
import { envFileName, readEnvironment } from "./env_file.ts";
import { ConfigError } from "./errors.ts";

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "env_file_test_" });
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, name), text);
  return dir;
}

async function withDir(
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await dirWith(files);
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const FILES = {
  ".env": "WHICH=dev\nSHARED=from-dev\n",
  ".env.prod": 'WHICH=prod\nSHARED=from-prod\n# comment\nQUOTED="a b # c"\nexport EXPORTED=yes\n',
  ".env.test": "WHICH=test\n",
};

Deno.test("envFileName maps ENV to a file", () => {
  assert.equal(envFileName(undefined), ".env");
  assert.equal(envFileName(""), ".env");
  assert.equal(envFileName("local"), ".env");
  assert.equal(envFileName("prod"), ".env.prod");
  assert.equal(envFileName(" Test "), ".env.test");
  assert.equal(envFileName("staging"), undefined);
  assert.equal(envFileName("../secrets"), undefined);
});

Deno.test("ENV=prod reads .env.prod with dotenv syntax", async () => {
  await withDir(FILES, async (dir) => {
    const { values, files } = await readEnvironment({ ENV: "prod" }, dir);
    assert.deepEqual(files, [".env.prod"]);
    assert.equal(values.WHICH, "prod");
    assert.equal(values.QUOTED, "a b # c");
    assert.equal(values.EXPORTED, "yes");
    assert.equal(values.ENV, "prod");
  });
});

Deno.test("ENV=test reads .env.test; ENV unset reads .env", async () => {
  await withDir(FILES, async (dir) => {
    assert.equal((await readEnvironment({ ENV: "test" }, dir)).values.WHICH, "test");
    const local = await readEnvironment({}, dir);
    assert.deepEqual(local.files, [".env"]);
    assert.equal(local.values.WHICH, "dev");
  });
});

Deno.test("the real environment wins over the file", async () => {
  await withDir(FILES, async (dir) => {
    const env = { ENV: "prod", SHARED: "from-real", OTHER: "kept" };
    const { values } = await readEnvironment(env, dir);
    assert.equal(values.SHARED, "from-real");
    assert.equal(values.WHICH, "prod");
    assert.equal(values.OTHER, "kept");
  });
});

Deno.test("an empty real variable does not hide the file's value", async () => {
  await withDir(FILES, async (dir) => {
    const { values } = await readEnvironment({ SHARED: "", EMPTY_ONLY: "" }, dir);
    assert.equal(values.SHARED, "from-dev");
    assert.equal(values.EMPTY_ONLY, "");
  });
});

Deno.test("a missing file is fine", async () => {
  await withDir({}, async (dir) => {
    assert.deepEqual(await readEnvironment({ ENV: "prod", A: "1" }, dir), {
      values: { ENV: "prod", A: "1" },
      files: [],
    });
    assert.deepEqual((await readEnvironment({}, dir)).files, []);
  });
});

Deno.test("an unknown ENV reads no file", async () => {
  await withDir({ ...FILES, ".env.staging": "WHICH=staging\n" }, async (dir) => {
    const { values, files } = await readEnvironment({ ENV: "staging" }, dir);
    assert.deepEqual(files, []);
    assert.equal(values.WHICH, undefined);
  });
});

Deno.test("an unreadable env file is a ConfigError naming the file", async () => {
  await withDir({}, async (dir) => {
    await Deno.mkdir(join(dir, ".env.prod"));
    await assert.rejects(readEnvironment({ ENV: "prod" }, dir), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.problems[0] ?? "", /^Cannot read \.env\.prod: /);
      return true;
    });
  });
});

Deno.test("readEnvironment does not touch Deno.env", async () => {
  await withDir({ ".env": "ENV_FILE_TEST_MARKER=1\n" }, async (dir) => {
    await readEnvironment({}, dir);
    assert.equal(Deno.env.get("ENV_FILE_TEST_MARKER"), undefined);
  });
});
