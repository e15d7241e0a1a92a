// The base images the Dockerfile and compose.yaml name — Debian, Deno, PostgreSQL — in the stage's
// engine: pulled when the registry answers; otherwise stand-ins built here under the same names
// (images/: Debian from a debootstrap of the mirror apt uses, Deno from that and the deno binary
// of the same version, PostgreSQL from Debian's package with the official image's contract),
// kept as `docker save` files in a cache outside the repository and loaded from there next time.

import { must, q, sh, type ShOptions } from "./sh.ts";

const IMAGES_DIR = new URL("./images/", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;

export interface BaseImages {
  /** The Dockerfile's runtime base (debian:bookworm-slim). */
  debian: string;
  /** The Dockerfile's build base (denoland/deno:VERSION). */
  deno: string;
  /** compose.yaml's database (postgres:16-bookworm). */
  postgres: string;
}

/** The names as the repository's Dockerfile (ARG defaults) and compose.yaml give them. */
export async function baseImageNames(root = ROOT): Promise<BaseImages> {
  const dockerfile = await Deno.readTextFile(`${root}Dockerfile`);
  const compose = await Deno.readTextFile(`${root}compose.yaml`);
  const arg = (name: string) => {
    const m = new RegExp(`^ARG ${name}=(\\S+)`, "m").exec(dockerfile);
    if (!m) throw new Error(`the Dockerfile has no ARG ${name}=…`);
    return m[1]!;
  };
  const postgres = /^\s+image:\s*(postgres:\S+)/m.exec(compose)?.[1];
  if (!postgres) throw new Error("compose.yaml names no postgres image");
  return { debian: arg("RUNTIME_IMAGE"), deno: arg("DENO_IMAGE"), postgres };
}

/** The Debian mirror apt is configured with (deb822 or one-line sources). */
export async function debianMirror(): Promise<string> {
  const files = ["/etc/apt/sources.list"];
  try {
    for await (const e of Deno.readDir("/etc/apt/sources.list.d")) {
      files.push(`/etc/apt/sources.list.d/${e.name}`);
    }
  } catch {
    // no sources.list.d
  }
  for (const f of files) {
    const text = await Deno.readTextFile(f).catch(() => "");
    const m = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text) ??
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/m.exec(text);
    if (m) return m[1]!;
  }
  return "http://deb.debian.org/debian";
}

async function digest(...parts: string[]): Promise<string> {
  const bytes = new TextEncoder().encode(parts.join("\0"));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...hash.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export interface Provided {
  name: string;
  how: "present" | "pulled" | "loaded from the cache" | "built";
  ms: number;
}

/**
 * Makes each base image available in the engine (`env` holds its DOCKER_HOST); `work` is a
 * scratch directory, `cache` the directory of saved images.
 */
export async function provideBaseImages(
  names: BaseImages,
  env: Record<string, string>,
  work: string,
  cache: string,
): Promise<Provided[]> {
  const opts: ShOptions = { env, timeoutMs: 600_000 };
  await Deno.mkdir(cache, { recursive: true });
  const mirror = await debianMirror();
  const suite = /:(\w+)/.exec(names.debian)?.[1] ?? "bookworm";
  const denoVersion = names.deno.split(":")[1] ?? "";
  const file = (p: string) => Deno.readTextFile(`${IMAGES_DIR}${p}`);
  const debianKey = await digest(names.debian, mirror, suite, "minbase");
  const plans: { name: string; key: string; build: () => Promise<void> }[] = [
    {
      name: names.debian,
      key: debianKey,
      build: async () => {
        const rootfs = `${work}/rootfs`;
        await must(
          `debootstrap --variant=minbase ${q(suite)} ${q(rootfs)} ${q(mirror)} >${
            q(`${work}/debootstrap.log`)
          } 2>&1 || { tail -n 20 ${q(`${work}/debootstrap.log`)}; exit 1; }`,
          opts,
        );
        await must(
          `rm -rf ${q(rootfs)}/var/cache/apt/archives/*.deb ${q(rootfs)}/var/lib/apt/lists/* && ` +
            `tar -C ${q(rootfs)} -c . | docker import - ${q(names.debian)} >/dev/null && ` +
            `rm -rf ${q(rootfs)}`,
          opts,
        );
      },
    },
    {
      name: names.deno,
      key: await digest(debianKey, names.deno, await file("deno/Dockerfile")),
      build: async () => {
        const ctx = `${work}/deno`;
        await Deno.mkdir(ctx, { recursive: true });
        await Deno.copyFile(`${IMAGES_DIR}deno/Dockerfile`, `${ctx}/Dockerfile`);
        if (Deno.version.deno === denoVersion) {
          await Deno.copyFile(Deno.execPath(), `${ctx}/deno`); // this very binary
        } else {
          await must(
            `cd ${q(ctx)} && npm pack --silent @deno/linux-x64-glibc@${q(denoVersion)} && ` +
              `tar -xzf deno-linux-x64-glibc-*.tgz package/deno && mv package/deno . && ` +
              `rm -rf package *.tgz`,
            opts,
          );
        }
        await must(`docker build -q --network host -t ${q(names.deno)} ${q(ctx)}`, opts);
      },
    },
    {
      name: names.postgres,
      key: await digest(
        debianKey,
        names.postgres,
        await file("postgres/Dockerfile"),
        await file("postgres/docker-entrypoint.sh"),
      ),
      build: () =>
        must(
          `docker build -q --network host -t ${q(names.postgres)} ${q(`${IMAGES_DIR}postgres`)}`,
          opts,
        ).then(() => {}),
    },
  ];
  const provided: Provided[] = [];
  for (const plan of plans) {
    const started = performance.now();
    const how = await provide(plan, env, cache);
    provided.push({ name: plan.name, how, ms: performance.now() - started });
  }
  return provided;
}

async function provide(
  plan: { name: string; key: string; build: () => Promise<void> },
  env: Record<string, string>,
  cache: string,
): Promise<Provided["how"]> {
  const opts = { env, timeoutMs: 600_000 };
  if ((await sh(`docker image inspect ${q(plan.name)} >/dev/null`, opts)).code === 0) {
    return "present";
  }
  if ((await sh(`docker pull -q ${q(plan.name)}`, { env, timeoutMs: 120_000 })).code === 0) {
    return "pulled";
  }
  const slug = plan.name.replace(/[^A-Za-z0-9.-]+/g, "_");
  const saved = `${cache}/${slug}-${plan.key}.tar`;
  if ((await sh(`docker load -q -i ${q(saved)}`, opts)).code === 0) return "loaded from the cache";
  await plan.build();
  // Saved under a temporary name and renamed: a stage running beside never loads half a file.
  const tmp = `${saved}.${Deno.pid}.tmp`;
  await must(`docker save -o ${q(tmp)} ${q(plan.name)} && mv ${q(tmp)} ${q(saved)}`, opts);
  for await (const e of Deno.readDir(cache)) {
    if (
      e.name.startsWith(`${slug}-`) && e.name.endsWith(".tar") && `${cache}/${e.name}` !== saved
    ) {
      await Deno.remove(`${cache}/${e.name}`).catch(() => {});
    }
  }
  return "built";
}
