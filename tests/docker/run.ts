// `deno task test:docker`: the Docker deployment, run for real as an operator runs it (README,
// docs/RUNBOOK.md) — an engine of its own, the base images (pulled, or stand-ins built here and
// cached), the repository's Dockerfile and compose.yaml, the make targets and the redeploy script,
// with the bot talking to a Bot API emulator and the OpenAI mock on this host. Each check prints
// its time; the last line is "Docker stage: N passed, N failed" (.ci/run adds it to its totals).
// Where no engine can start (not root, no dockerd) it says why and counts one skipped check.
// Everything it made — containers, volumes, the engine, its network — is removed at the end.
//
// Environment: SOULNEAR_DOCKER_CACHE (saved base images; default /var/cache/soulnear-docker),
// SOULNEAR_BUILD_CA (a PEM file to trust while the image's build downloads packages).

import { deployChecks } from "./deploy_checks.ts";
import { cannotRun, type Engine, EngineUnavailable, startEngine } from "./engine.ts";
import { Checks, secs } from "./report.ts";
import { sh } from "./sh.ts";

async function main(): Promise<number> {
  console.log("Docker stage: the deployment run for real (tests/docker/run.ts)");
  const c = new Checks();
  const why = await cannotRun();
  if (why) return c.summary(why);
  const work = await Deno.makeTempDir({ prefix: "soulnear-docker-" });
  let engine: Engine | undefined;
  const stop = async (): Promise<string[]> => {
    const e = engine;
    engine = undefined;
    if (!e) return [];
    await sh("docker ps -aq | xargs -r docker rm -f -v", {
      env: { PATH: Deno.env.get("PATH") ?? "", DOCKER_HOST: e.host },
      timeoutMs: 120_000,
    });
    const notes = await e.stop();
    await Deno.remove(work, { recursive: true }).catch(() => {});
    return notes;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => stop().finally(() => Deno.exit(130)));
  }
  try {
    const started = performance.now();
    try {
      engine = await startEngine(`${work}/engine`);
    } catch (err) {
      await Deno.remove(work, { recursive: true }).catch(() => {});
      if (err instanceof EngineUnavailable) {
        return c.summary(`no Docker engine could start: ${err.message}`);
      }
      throw err;
    }
    const e = engine;
    await c.check("a Docker engine of its own started", () =>
      Promise.resolve(
        `${e.host}, networks from ${e.pool} (${secs(performance.now() - started)} to answer)`,
      ));
    await Deno.mkdir(`${work}/images`, { recursive: true });
    await deployChecks(c, work, engine);
  } finally {
    const e = engine;
    if (e) {
      await c.check("the engine stopped, its mounts and network removed", async () => {
        const notes = await stop();
        const mounts = (await Deno.readTextFile("/proc/self/mounts")).includes(work);
        const alive = (await sh(`kill -0 ${e.pid}`)).code === 0;
        const prefix = e.pool.replace(/0\.0\/16$/, "");
        const bridges = (await sh("ip -4 -o addr show")).out.includes(` ${prefix}`);
        const left = [mounts && "mounts", alive && "dockerd", bridges && "a bridge"].filter(
          Boolean,
        );
        if (left.length) throw new Error(`left behind: ${left.join(", ")}`);
        return notes;
      });
    }
  }
  return c.summary();
}

if (import.meta.main) Deno.exit(await main());
