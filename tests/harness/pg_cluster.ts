// A throwaway PostgreSQL cluster a test owns: initdb in a temporary directory, a free port, trust
// login, started and stopped at will (a database outage the test controls), removed afterwards.
// Uses the server's own binaries (PG_BIN, else Debian's /usr/lib/postgresql/<newest>/bin, else
// PATH); as root they run as the `postgres` user, which initdb requires. `ownPostgres` gives a
// database of its own for processes: on TEST_DATABASE_URL's server when set, else such a cluster.

import { processDb, serverUrl } from "./db.ts";

export interface PgCluster extends AsyncDisposable {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  /** Starts the server (again), waiting until it accepts connections. */
  start(): Promise<void>;
  /** Stops the server: `fast` ends every connection at once, as a crash of the host would. */
  stop(): Promise<void>;
}

/** Where initdb and pg_ctl are, or why a cluster cannot be made here. */
export function pgBinaries(): { dir: string } | { missing: string } {
  const candidates: string[] = [];
  const fromEnv = Deno.env.get("PG_BIN");
  if (fromEnv) candidates.push(fromEnv);
  try {
    const versions = [...Deno.readDirSync("/usr/lib/postgresql")]
      .map((e) => e.name).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch { /* not Debian's layout */ }
  candidates.push(...(Deno.env.get("PATH") ?? "").split(":").filter(Boolean));
  for (const dir of candidates) {
    if (executable(`${dir}/initdb`) && executable(`${dir}/pg_ctl`)) return { dir };
  }
  return { missing: "initdb and pg_ctl were not found (set PG_BIN to their directory)" };
}

function executable(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

export async function startPgCluster(): Promise<PgCluster> {
  const found = pgBinaries();
  if ("missing" in found) throw new Error(`Cannot make a PostgreSQL cluster: ${found.missing}`);
  const root = Deno.uid() === 0;
  const dir = await Deno.makeTempDir({ prefix: "soulbot_pg_" });
  const data = `${dir}/data`;
  const port = freePort();
  if (root) {
    const [uid, gid] = await Promise.all([
      run("id", ["-u", "postgres"]),
      run("id", ["-g", "postgres"]),
    ]);
    await Deno.chown(dir, Number(uid), Number(gid));
  }
  const pg = (tool: string, args: string[]) =>
    root
      ? run("runuser", ["-u", "postgres", "--", `${found.dir}/${tool}`, ...args], dir)
      : run(`${found.dir}/${tool}`, args, dir);
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200",
  ].join(" ");
  let up = false;
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await pg("pg_ctl", ["-D", data, "-l", `${dir}/server.log`, "-o", options, "-w", "start"]);
      up = true;
    },
    async stop() {
      await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      up = false;
    },
    async [Symbol.asyncDispose]() {
      try {
        if (up) await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  };
  try {
    await pg("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
    await cluster.start();
  } catch (err) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
  return cluster;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${dec.decode(out.stderr)}`);
  }
  return dec.decode(out.stdout).trim();
}

/** Whether a PostgreSQL database of its own can be had here; the reason when not. */
export function postgresMissing(): string | undefined {
  if (serverUrl()) return undefined;
  const found = pgBinaries();
  return "missing" in found ? `no TEST_DATABASE_URL, and ${found.missing}` : undefined;
}

/**
 * An empty PostgreSQL database for processes (`soulbot …`): a new database on TEST_DATABASE_URL's
 * server, else a throwaway cluster. Disposing of it drops the database or removes the cluster.
 */
export async function ownPostgres(): Promise<{ url: string; where: string } & AsyncDisposable> {
  if (serverUrl()) {
    const db = await processDb();
    return {
      url: db.env.DATABASE_URL!,
      where: "a new database on TEST_DATABASE_URL's server",
      [Symbol.asyncDispose]: () => db[Symbol.asyncDispose](),
    };
  }
  const cluster = await startPgCluster();
  return {
    url: cluster.url,
    where: "a throwaway cluster",
    [Symbol.asyncDispose]: () => cluster[Symbol.asyncDispose](),
  };
}
