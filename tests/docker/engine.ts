// A Docker engine of the stage's own: dockerd as root with its data, exec root and socket in a
// temporary directory, no default bridge, and container networks from a 10.N.0.0/16 pool no route
// of this machine uses — so it shares nothing with another engine on the machine. iptables is
// off: builds use the host's network, and a published port is served by docker-proxy.
// stop() ends it by its pid, then unmounts what it left mounted (network namespaces) and deletes
// the bridges of its pool.

import { q, sh, waitUntil } from "./sh.ts";

export interface Engine {
  /** DOCKER_HOST for this engine. */
  host: string;
  pid: number;
  /** Container networks come from here: 10.N.0.0/16. */
  pool: string;
  dir: string;
  /** What stopping found and did, one line each. */
  stop(): Promise<string[]>;
}

/** Why no engine can run here, or undefined when one may. */
export async function cannotRun(): Promise<string | undefined> {
  if (Deno.uid() !== 0) return "dockerd needs root, and this is not root";
  if ((await sh("command -v dockerd && command -v docker")).code !== 0) {
    return "no dockerd or docker here (apt-get install docker.io)";
  }
  return undefined;
}

async function freePool(): Promise<number> {
  const used = (await sh("ip -4 route show table all; ip -4 -o addr show")).out;
  const candidates = Array.from({ length: 50 }, (_, i) => 200 + i)
    .filter((n) => !used.includes(`10.${n}.`));
  if (!candidates.length) throw new Error("no free 10.N.0.0/16 for the engine's networks");
  return candidates[Math.floor(Math.random() * candidates.length)]!;
}

/** dockerd ran but never answered: no engine can start here. */
export class EngineUnavailable extends Error {}

export async function startEngine(dir: string): Promise<Engine> {
  await Deno.mkdir(dir, { recursive: true });
  const n = await freePool();
  const pool = `10.${n}.0.0/16`;
  const socket = `${dir}/docker.sock`;
  const child = new Deno.Command("dockerd", {
    args: [
      "--iptables=false",
      "--ip6tables=false",
      "--storage-driver=overlay2",
      "--bridge=none",
      `--default-address-pool=base=${pool},size=24`,
      `--data-root=${dir}/data`,
      `--exec-root=${dir}/exec`,
      `--pidfile=${dir}/docker.pid`,
      `--host=unix://${socket}`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  for (const stream of [child.stdout, child.stderr]) {
    const file = await Deno.open(`${dir}/dockerd.log`, { write: true, create: true, append: true });
    stream.pipeTo(file.writable).catch(() => {});
  }
  const host = `unix://${socket}`;
  let exited = false;
  child.status.then(() => exited = true);
  const ready = await waitUntil(
    async () => !exited && (await sh("docker version", { env: { DOCKER_HOST: host } })).code === 0,
    30_000,
    250,
  );
  if (!ready) {
    if (!exited) child.kill("SIGKILL");
    await child.status;
    const tail = (await sh(`tail -n 20 ${q(`${dir}/dockerd.log`)}`)).out;
    await cleanUp(dir, n);
    throw new EngineUnavailable(`dockerd did not start:\n${tail}`);
  }
  return {
    host,
    pid: child.pid,
    pool,
    dir,
    async stop() {
      const notes: string[] = [];
      if (!exited) {
        child.kill("SIGTERM");
        const stopped = await Promise.race([
          child.status.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 30_000)),
        ]);
        if (!stopped) {
          child.kill("SIGKILL");
          notes.push("dockerd did not stop within 30 s: killed");
        }
        await child.status;
      }
      notes.push(`dockerd (pid ${child.pid}) stopped`);
      notes.push(...await cleanUp(dir, n));
      return notes;
    },
  };
}

/** What an engine leaves behind: its containerd, mounts under its directory, its bridges. */
async function cleanUp(dir: string, n: number): Promise<string[]> {
  const notes: string[] = [];
  // dockerd stops the containerd it started; one that outlived it is ended by its pid file.
  const containerd = await Deno.readTextFile(`${dir}/exec/containerd/containerd.pid`).catch(() =>
    ""
  );
  if (containerd.trim() && (await sh(`kill -0 ${Number(containerd)}`)).code === 0) {
    await sh(`kill ${Number(containerd)}`);
    notes.push(`containerd (pid ${Number(containerd)}) outlived dockerd: stopped`);
  }
  const mounts = (await Deno.readTextFile("/proc/self/mounts")).split("\n")
    .map((l) => l.split(" ")[1] ?? "")
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await sh(`umount -l ${q(m)}`);
  notes.push(`${mounts.length} mount(s) left under the engine's directory unmounted`);
  const links = (await sh(`ip -4 -o addr show | awk '$4 ~ /^10\\.${n}\\./ { print $2 }'`)).out
    .split("\n").filter(Boolean);
  for (const link of [...new Set(links)]) await sh(`ip link delete ${q(link)}`);
  notes.push(`${links.length} bridge(s) of ${`10.${n}.0.0/16`} deleted`);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  return notes;
}
