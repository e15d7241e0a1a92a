// validate-env.sh checks an env file as compose will run it: each service's `environment:` from
// compose.yaml on top of the file, nothing from the caller's shell, and the postgres service's
// need of a password — an embedded-database view of the same file would pass every case below.

import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const SOULBOT = `${Deno.execPath()} run -A --quiet ${ROOT}main.ts`;

const VALID = [
  "BOT_TOKEN=123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789",
  "OPENAI_API_KEY=sk-SECRETkey1234567890",
  "POSTGRES_DB=soul_bot",
  "POSTGRES_USER=soul_user",
  "POSTGRES_PASSWORD=SECRETpgPassword",
];

interface Run {
  code: number;
  out: string;
}

async function validate(lines: string[], env: Record<string, string> = {}): Promise<Run> {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_validate_env_" });
  try {
    await Deno.writeTextFile(`${dir}/.env.prod`, lines.join("\n") + "\n");
    for (const [name, text] of Object.entries(env)) {
      if (name.endsWith(".yaml")) await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    const vars = Object.fromEntries(
      Object.entries(env).filter(([k]) => !k.endsWith(".yaml"))
        .map(([k, v]) => [k, v.replaceAll("$DIR", dir)]),
    );
    const out = await new Deno.Command("bash", {
      args: [`${ROOT}validate-env.sh`, `${dir}/.env.prod`],
      env: { SOULBOT, ...vars },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, out: dec.decode(out.stdout) + dec.decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("validate-env: a file compose can run passes, once per service, and shows no secret", async () => {
  const r = await validate(VALID);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^── bot, as compose runs it \(with ENV=prod POSTGRES_HOST=postgres /m);
  assert.match(r.out, /^── api, as compose runs it \(with .*API_PORT=8080/m);
  assert.equal(r.out.match(/^✅ Configuration is valid/gm)?.length, 2, r.out);
  assert.match(r.out, /database: postgres postgres:\/\/soul_user:\*\*\*@postgres:5432\/soul_bot/);
  assert.doesNotMatch(r.out, /SECRET/);
});

Deno.test("validate-env: an empty POSTGRES_PASSWORD fails — the postgres service cannot start", async () => {
  const r = await validate([...VALID.slice(0, 4), "POSTGRES_PASSWORD="]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /❌ postgres: POSTGRES_PASSWORD is empty/);
  assert.match(r.out, /not valid for compose/);
});

Deno.test("validate-env: compose's own values win over the file's, per service", async () => {
  // compose.yaml sets METRICS_PORT for the bot only and LOG_FORMAT for both: the file's bad port
  // reaches the api alone, the file's bad format no one.
  const r = await validate([...VALID, "METRICS_PORT=99999", "LOG_FORMAT=bogus"]);
  assert.equal(r.code, 1, r.out);
  const [bot, api] = r.out.split(/^── api/m);
  assert.match(bot!, /✅ Configuration is valid/);
  assert.match(api!, /METRICS_PORT="99999" is not valid/);
  assert.doesNotMatch(r.out, /^ {2}- LOG_FORMAT/m);
});

Deno.test("validate-env: the compose files' environment is what is checked (COMPOSE_FILE)", async () => {
  const compose = `services:
  bot:
    image: soulnear:latest
    env_file: .env.prod
    environment:
      ENV: prod
      # a comment
      POSTGRES_HOST: "db"
      METRICS_PORT: "70000"
  worker:
    environment:
      - POSTGRES_HOST=db
      - UPDATE_TIMEOUT_SECONDS=50
`;
  const r = await validate(VALID, { "c.yaml": compose, COMPOSE_FILE: "$DIR/c.yaml" });
  assert.equal(r.code, 1, r.out);
  assert.match(
    r.out,
    /^── bot, as compose runs it \(with ENV=prod POSTGRES_HOST=db METRICS_PORT=70000\)/m,
  );
  assert.match(r.out, /METRICS_PORT="70000" is not valid/);
  assert.match(
    r.out,
    /^── worker, as compose runs it \(with POSTGRES_HOST=db UPDATE_TIMEOUT_SECONDS=50\)/m,
  );
  assert.match(r.out, /UPDATE_TIMEOUT_SECONDS: 50/);
  assert.match(r.out, /database: postgres postgres:\/\/soul_user:\*\*\*@db:5432/);
  assert.doesNotMatch(r.out, /❌ postgres:/, "no postgres service in that file");
});

Deno.test("validate-env: nothing comes from the caller's shell — the container will not have it", async () => {
  const r = await validate(VALID.filter((l) => !l.startsWith("BOT_TOKEN")), {
    BOT_TOKEN: "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789",
  });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /BOT_TOKEN is missing/);
});
