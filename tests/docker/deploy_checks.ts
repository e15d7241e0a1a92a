// The checks of the deployment, in the order an operator meets them: the base images, make setup
// and validate-env.sh, make rebuild, the image's files, healthy services, the start-up lines, a
// chat end to end, make health/stats/ps/logs/restart-bot, backup and restore, the three ways of
// safe_redeploy.sh, make down and up, and the project's containers and volumes removed.

import { startFakeBotApi } from "../harness/fake_bot_api.ts";
import { startOpenAiMock } from "../harness/openai_mock.ts";
import { ALICE, BOB, TEST_TOKEN } from "../harness/telegram.ts";
import { CONFIG_FILES, programFiles } from "../../tools/runtime_files.ts";
import { baseImageNames, provideBaseImages } from "./base_images.ts";
import { chat } from "./chat.ts";
import type { Engine } from "./engine.ts";
import {
  containerState,
  hostAddress,
  prepareProject,
  type Project,
  sql,
  writeEnvProd,
} from "./project.ts";
import { assert, type Checks, secs } from "./report.ts";
import { CommandFailed, must, q, sh, tail, waitUntil } from "./sh.ts";

const CACHE = Deno.env.get("SOULNEAR_DOCKER_CACHE") ?? "/var/cache/soulnear-docker";

/** make in the project, as the operator types it. */
function make(p: Project, args: string, timeoutMs = 300_000, input?: string) {
  return sh(`make ${args}`, { cwd: p.dir, env: p.env, timeoutMs, input });
}

async function makeOk(p: Project, args: string, timeoutMs = 300_000): Promise<string> {
  const r = await make(p, args, timeoutMs);
  if (r.code !== 0) throw new CommandFailed(`make ${args}`, r);
  return r.out;
}

/** The ✅ line of `make restore`. */
function restored(out: string): string[] {
  return out.split("\n").filter((l) => l.startsWith("✅ Restored"));
}

async function users(p: Project): Promise<number> {
  return Number(await sql(p, "SELECT count(*) FROM users"));
}

async function waitHealthy(p: Project, names: string[], timeoutMs: number): Promise<void> {
  const states = async () =>
    Object.fromEntries(
      await Promise.all(names.map(async (n) => [n, await containerState(p, n, true)])),
    );
  const ok = await waitUntil(
    async () => Object.values(await states()).every((s) => s === "healthy"),
    timeoutMs,
  );
  if (!ok) {
    throw new Error(`not healthy within ${timeoutMs / 1000} s: ${JSON.stringify(await states())}`);
  }
}

/** What an operator would look at when something fails: the services and their last lines. */
async function diagnostics(p: Project): Promise<string> {
  const ps = await sh("docker-compose ps", { cwd: p.dir, env: p.env, timeoutMs: 30_000 });
  const logs = await sh("docker-compose logs --no-color --tail=25", {
    cwd: p.dir,
    env: p.env,
    timeoutMs: 30_000,
  });
  return `${ps.out.trimEnd()}\n${tail(logs.out, 60)}`;
}

export async function deployChecks(c: Checks, work: string, engine: Engine): Promise<void> {
  const dockerEnv = { PATH: Deno.env.get("PATH") ?? "", DOCKER_HOST: engine.host };
  await c.check("base images: pulled, or built here and cached", async () => {
    const names = await baseImageNames();
    const provided = await provideBaseImages(names, dockerEnv, `${work}/images`, CACHE);
    return provided.map((i) => `${i.name}: ${i.how} (${secs(i.ms)})`);
  }, { gate: true });

  const host = await hostAddress();
  await using telegram = startFakeBotApi({ hostname: host });
  await using openai = await startOpenAiMock({ hostname: host });
  const p = await prepareProject(`${work}/soulnear`, engine.host, `soulnear-ci-${Deno.pid}`);
  const envProd = {
    telegramApiRoot: telegram.apiRoot,
    openaiBaseUrl: openai.baseUrl,
    botToken: TEST_TOKEN,
  };
  const more = { onFailure: () => diagnostics(p) };

  await c.check(
    "make setup; validate-env.sh refuses an empty POSTGRES_PASSWORD, passes the filled file",
    async () => {
      const setup = await makeOk(p, "setup", 30_000);
      assert(/Created \.env\.prod/.test(setup), `make setup: ${setup}`);
      await writeEnvProd(p.dir, { ...envProd, postgresPassword: "" });
      const refused = await sh("./validate-env.sh", { cwd: p.dir, env: p.env, timeoutMs: 60_000 });
      assert(
        refused.code === 1 && /POSTGRES_PASSWORD is empty/.test(refused.out),
        `an empty password passed:\n${refused.out}`,
      );
      const password = [...crypto.getRandomValues(new Uint8Array(12))].map((b) =>
        b.toString(16).padStart(2, "0")
      ).join("");
      await writeEnvProd(p.dir, { ...envProd, postgresPassword: password });
      const passed = await sh("./validate-env.sh", { cwd: p.dir, env: p.env, timeoutMs: 60_000 });
      assert(passed.code === 0, `the filled .env.prod was refused:\n${passed.out}`);
      return passed.out.split("\n").filter((l) => l.startsWith("──"));
    },
    { gate: true },
  );

  await c.check(
    "make rebuild: the image (launcher variant) is built and the services start",
    async () => {
      await makeOk(p, "rebuild", 600_000);
      const size = await must("docker image inspect -f '{{.Size}}' soulnear:latest", {
        env: p.env,
        timeoutMs: 30_000,
      });
      return `soulnear:latest, ${Math.round(Number(size) / 2 ** 20)} MiB`;
    },
    { gate: true, ...more },
  );

  await c.check(
    "the image holds exactly the program's files (runtime_files.json), which the compiled variant embeds",
    async () => {
      const inImage = (await must(
        `docker run --rm --network none --entrypoint sh soulnear:latest -c ` +
          q(`cd /opt/soulbot && find . -type f -not -path './node_modules/*' | sed 's#^./##' | sort`),
        { env: p.env, timeoutMs: 60_000 },
      )).trim().split("\n");
      const listed = [...(await programFiles()).all, ...CONFIG_FILES].sort();
      const missing = listed.filter((f) => !inImage.includes(f));
      const extra = inImage.filter((f) => !listed.includes(f));
      assert(
        !missing.length && !extra.length,
        `missing: ${missing.join(", ")}; extra: ${extra.join(", ")}`,
      );
      return `${inImage.length} files: main.ts's modules, the listed data, deno.json and deno.lock`;
    },
  );

  await c.check("postgres healthy", () => waitHealthy(p, ["soulnear_postgres"], 90_000), {
    gate: true,
    ...more,
  });

  await c.check(
    "bot and api healthy",
    () => waitHealthy(p, ["soulnear_bot", "soulnear_api"], 150_000),
    {
      gate: true,
      ...more,
    },
  );

  await c.check(
    "the bot's start-up lines: ✅ in JSON (make logs-bot), no ERROR; make logs-bot | head -50 returns",
    async () => {
      const out = await makeOk(p, "logs-bot N=all", 60_000);
      // docker-compose v1 heads its output with "Attaching to …"; every line after is the bot's.
      const lines = out.split("\n").filter((l) => l && !l.startsWith("Attaching to "));
      const parsed = lines.map((l) => {
        try {
          return JSON.parse(l) as { level?: string; msg?: string };
        } catch {
          throw new Error(`not a JSON line: ${l}`);
        }
      });
      const ok = parsed.filter((l) => l.msg?.startsWith("✅"));
      for (
        const start of [
          "✅ Config loaded",
          "✅ Database connected",
          "✅ Migrations up to date",
          "✅ Metrics on",
          "✅ Bot authorised as",
        ]
      ) {
        const line = ok.find((l) => l.msg!.startsWith(start));
        assert(line?.level === "INFO", `no "${start}" line at INFO in:\n${tail(out, 20)}`);
      }
      const errors = parsed.filter((l) => l.level === "ERROR");
      assert(!errors.length, `ERROR lines:\n${errors.map((e) => JSON.stringify(e)).join("\n")}`);
      const head = await sh("make logs-bot | head -50", {
        cwd: p.dir,
        env: p.env,
        timeoutMs: 60_000,
      });
      assert(
        head.code === 0 && head.out.includes("✅ Bot authorised"),
        `make logs-bot | head -50:\n${head.out}`,
      );
      const api = await makeOk(p, "logs-api", 60_000);
      assert(
        api.split("\n").some((l) =>
          /"level":"INFO","msg":"api request".*"path":"\/health"/.test(l)
        ),
        `no /health request at INFO in make logs-api:\n${tail(api, 10)}`,
      );
      return ok.map((l) => l.msg!.slice(0, 90));
    },
    more,
  );

  await c.check(
    "a chat answered end to end: Bot API emulator → bot container → OpenAI mock → the chat",
    async () => {
      const reply = await chat(telegram, openai, ALICE);
      return `answered «${reply}»; users in the database: ${await users(p)}`;
    },
    more,
  );

  await c.check(
    "make health (compose ps, the api's /health, soulbot smoke in the bot container)",
    async () => {
      const out = await makeOk(p, "health", 120_000);
      assert(/"status":"ok"/.test(out), `no healthy /health in:\n${out}`);
      assert(!/❌/.test(out) && /✅/.test(out), `smoke:\n${out}`);
      return out.split("\n").filter((l) => l.startsWith("✅")).map((l) => l.slice(0, 90));
    },
    more,
  );

  await c.check("make stats, make ps, make logs N=20, make restart-bot", async () => {
    const stats = await makeOk(p, "stats", 120_000);
    await makeOk(p, "ps", 60_000);
    await makeOk(p, "logs N=20", 60_000);
    const restarted = performance.now();
    await makeOk(p, "restart-bot", 120_000);
    await waitHealthy(p, ["soulnear_bot"], 120_000);
    return [
      ...stats.split("\n").filter((l) => l.startsWith("SoulNear stats")),
      `the bot healthy again ${secs(performance.now() - restarted)} after make restart-bot`,
    ];
  }, more);

  await c.check(
    "make backup, a second user, then make restore FORCE=1: the backup's data again",
    async () => {
      const backup = await makeOk(p, "backup", 120_000);
      const file = /✅ Backup saved: \/app\/(backups\/backup_\S+\.sql)/.exec(backup)?.[1];
      assert(file, `no backup line in:\n${backup}`);
      const text = await Deno.readTextFile(`${p.dir}/${file}`);
      assert(text.trimEnd().endsWith("-- end of backup"), `${file} is not whole`);
      const before = await users(p);
      await chat(telegram, openai, BOB);
      assert(await users(p) === before + 1, "the second user was stored");
      const restore = await makeOk(p, "restore FORCE=1", 180_000);
      assert(/Safety backup of the current data/.test(restore), `no safety backup:\n${restore}`);
      assert(
        await users(p) === before,
        `users after the restore: ${await users(p)}, in the backup: ${before}`,
      );
      for (const c of ["soulnear_bot", "soulnear_api"]) {
        assert(await containerState(p, c) === "running", `${c} is not running after make restore`);
      }
      return [`${file} (${(text.length / 1024).toFixed(1)} KiB)`, ...restored(restore)];
    },
    more,
  );

  await c.check(
    "scripts/safe_redeploy.sh: a verified backup, rebuilt, restarted, healthy, smoke; data kept",
    async () => {
      const before = await users(p);
      const r = await sh("./scripts/safe_redeploy.sh --no-pull", {
        cwd: p.dir,
        env: p.env,
        timeoutMs: 420_000,
      });
      if (r.code !== 0) throw new CommandFailed("./scripts/safe_redeploy.sh --no-pull", r);
      assert(/✅ Backup verified/.test(r.out) && /✅ Deployed/.test(r.out), tail(r.out, 20));
      assert(await users(p) === before, `users: ${before} before, ${await users(p)} after`);
      return `${before} user(s) kept; ${
        r.out.split("\n").filter((l) => l.startsWith("==>")).length
      } steps`;
    },
    more,
  );

  await c.check(
    "echo DELETE | safe_redeploy.sh --clean: wiped after a backup; make restore needs no FORCE on the new database",
    async () => {
      const before = await users(p);
      const r = await sh("echo DELETE | ./scripts/safe_redeploy.sh --clean --no-pull", {
        cwd: p.dir,
        env: p.env,
        timeoutMs: 420_000,
      });
      if (r.code !== 0) {
        throw new CommandFailed("echo DELETE | ./scripts/safe_redeploy.sh --clean --no-pull", r);
      }
      assert(await users(p) === 0, "the database was not wiped");
      const restore = await makeOk(p, "restore", 180_000);
      assert(
        await users(p) === before,
        `users after make restore: ${await users(p)}, before: ${before}`,
      );
      assert(!/Safety backup/.test(restore), "the new database's own rows were taken for data");
      return restored(restore);
    },
    more,
  );

  await c.check(
    "safe_redeploy.sh --clean --yes-delete-data: wiped without a question",
    async () => {
      const r = await sh("./scripts/safe_redeploy.sh --clean --yes-delete-data --no-pull", {
        cwd: p.dir,
        env: p.env,
        timeoutMs: 420_000,
      });
      if (r.code !== 0) {
        throw new CommandFailed("./scripts/safe_redeploy.sh --clean --yes-delete-data", r);
      }
      assert(!/Type DELETE/.test(r.out), "it asked");
      assert(await users(p) === 0, "the database was not wiped");
      const backups = [...Deno.readDirSync(`${p.dir}/backups`)].filter((e) =>
        e.name.startsWith("backup_")
      );
      return `${backups.length} backups in ./backups`;
    },
    more,
  );

  await c.check("make restore, make down, make up: stopped, then back with the data", async () => {
    await makeOk(p, "restore", 180_000);
    const before = await users(p);
    assert(before > 0, "make restore brought no user back");
    await makeOk(p, "down", 120_000);
    const running = await must("docker ps -q", { env: p.env, timeoutMs: 30_000 });
    assert(running.trim() === "", `still running after make down: ${running}`);
    const volumes = await must("docker volume ls -q", { env: p.env, timeoutMs: 30_000 });
    assert(volumes.includes("postgres_data"), `volumes after make down: ${volumes}`);
    await makeOk(p, "up", 180_000);
    await waitHealthy(p, ["soulnear_postgres"], 90_000);
    assert(await users(p) === before, `users after make up: ${await users(p)}, before: ${before}`);
    await makeOk(p, "down", 120_000);
    return `${before} user(s) kept across make down and make up`;
  }, more);

  await c.check("clean-up: containers and volumes of the project removed", async () => {
    await must("docker-compose down -v --remove-orphans", {
      cwd: p.dir,
      env: p.env,
      timeoutMs: 120_000,
    });
    const left = await must("docker ps -aq; docker volume ls -q", {
      env: p.env,
      timeoutMs: 30_000,
    });
    assert(left.trim() === "", `left: ${left}`);
  });
}
