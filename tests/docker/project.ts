// The deployment under test: a copy of the working tree (what git tracks, and new files it does
// not ignore) where an operator's commands run — make, validate-env.sh, safe_redeploy.sh —
// against the stage's engine, as a compose project of its own. compose.yaml and the Makefile are
// the repository's; the environment adds only what this machine needs:
//   COMPOSE_FILE   compose.yaml and an override that builds the image's `launcher` target with the
//                  host's network (no NAT here) and the local certificate authority as a build
//                  argument (outbound TLS is re-signed here)
//   API_PORT       a free port for the api, COMPOSE_PROJECT_NAME a name of its own
// and .env.prod points the bot at a Bot API emulator and the OpenAI mock on this host.

import { join } from "node:path";
import { must, q, sh } from "./sh.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface Project {
  dir: string;
  /** The environment every command of the stage runs with. */
  env: Record<string, string>;
  apiPort: number;
}

/** Copies the working tree (tracked files and untracked ones git does not ignore) to `dest`. */
export async function copyWorkingTree(dest: string): Promise<number> {
  const listed = await must("git ls-files -z --cached --others --exclude-standard", { cwd: ROOT });
  let n = 0;
  for (const file of new Set(listed.split("\0").filter(Boolean))) {
    const from = join(ROOT, file);
    const info = await Deno.lstat(from).catch(() => undefined);
    if (!info?.isFile) continue; // deleted in the working tree, or a link
    await Deno.mkdir(join(dest, file, ".."), { recursive: true });
    await Deno.copyFile(from, join(dest, file));
    n++;
  }
  return n;
}

/** A port nothing listens on now. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** This machine's address on its default route: containers reach the host there. */
export async function hostAddress(): Promise<string> {
  const route = await must("ip -4 route get 1.1.1.1");
  const m = /\bsrc (\d+\.\d+\.\d+\.\d+)/.exec(route);
  if (!m) throw new Error(`no source address in: ${route}`);
  return m[1]!;
}

/**
 * Certificates to trust while the image's build downloads packages: the authorities added to this
 * machine (/usr/local/share/ca-certificates, where outbound TLS is re-signed by a local one).
 * Deno trusts the public ones by itself. SOULNEAR_BUILD_CA names another PEM file.
 */
export async function buildCertificates(): Promise<string> {
  const named = Deno.env.get("SOULNEAR_BUILD_CA");
  if (named) return await Deno.readTextFile(named);
  return (await sh("cat /usr/local/share/ca-certificates/*.crt 2>/dev/null")).out.trim();
}

export async function prepareProject(
  dir: string,
  engineHost: string,
  name: string,
): Promise<Project> {
  await copyWorkingTree(dir);
  const apiPort = freePort();
  const build = {
    context: dir,
    target: "launcher",
    network: "host",
    args: { EXTRA_CA_CERTS: await buildCertificates() },
  };
  // JSON is YAML: compose reads it as the second file.
  const override = join(dir, "..", "compose.ci.json");
  await Deno.writeTextFile(
    override,
    JSON.stringify({ services: { bot: { build }, api: { build } } }, null, 2),
  );
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "/root",
    DOCKER_HOST: engineHost,
    COMPOSE_PROJECT_NAME: name,
    COMPOSE_FILE: `compose.yaml:${override}`,
    API_PORT: String(apiPort),
    // validate-env.sh runs the program with this very deno, from the checkout (its npm packages
    // are installed there; the copy has none).
    SOULBOT: `${Deno.execPath()} run -A --quiet ${ROOT}main.ts`,
    NO_COLOR: "1",
  };
  return { dir, env, apiPort };
}

export interface EnvProdOptions {
  telegramApiRoot: string;
  openaiBaseUrl: string;
  botToken: string;
  /** Empty: the case validate-env.sh must refuse. */
  postgresPassword: string;
}

/** A .env.prod as an operator fills in `make setup`'s copy of .env.example. */
export async function writeEnvProd(dir: string, o: EnvProdOptions): Promise<void> {
  const values: Record<string, string> = {
    BOT_TOKEN: o.botToken,
    TELEGRAM_API_ROOT: o.telegramApiRoot,
    OPENAI_API_KEY: "sk-docker-stage-0123456789",
    OPENAI_BASE_URL: o.openaiBaseUrl,
    // One model call per message, so the mock's script decides the answer.
    OPENAI_MODERATION_MODEL: "off",
    OPENAI_SAFETY_MODEL: "off",
    POSTGRES_DB: "soul_bot",
    POSTGRES_USER: "soul_user",
    POSTGRES_PASSWORD: o.postgresPassword,
  };
  const example = await Deno.readTextFile(join(dir, ".env.prod"));
  const lines = example.split("\n").map((line) => {
    const key = /^([A-Z_][A-Z0-9_]*)=/.exec(line)?.[1];
    return key !== undefined && key in values ? `${key}=${values[key]}` : line;
  });
  await Deno.writeTextFile(join(dir, ".env.prod"), lines.join("\n"));
}

/** `psql -tA` in the postgres container, the query on its input: the result's text. */
export async function sql(p: Project, query: string): Promise<string> {
  const out = await must(
    `docker-compose exec -T postgres sh -c 'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tA'`,
    { cwd: p.dir, env: p.env, timeoutMs: 60_000, input: query },
  );
  return out.trim();
}

/** A container's state, as `docker inspect` gives it ("" when there is none). */
export async function containerState(p: Project, name: string, health = false): Promise<string> {
  const format = health
    ? "{{if .State.Health}}{{.State.Health.Status}}{{end}}"
    : "{{.State.Status}}";
  const r = await sh(`docker inspect -f '${format}' ${q(name)}`, { env: p.env, timeoutMs: 30_000 });
  return r.code === 0 ? r.out.trim() : "";
}
