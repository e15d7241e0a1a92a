// Benchmark: what PostgreSQL's buffer pool size (shared_buffers) costs and saves on the embedded
// database — resident memory after opening and after the work, and process CPU per statement for
// primary-key reads and updates spread over a table of 300,000 rows (~80 MB, more than the smaller
// pools hold) and for reads of 1,000 hot rows (which every pool holds). src/db/pglite.ts sets
// 32 MB. Each pool size runs in a process of its own, on a data directory unpacked from the
// template; each figure is the median of its rounds. Asserts nothing.
// Run: deno task bench:pglite-buffers [rounds, default 3]

import process from "node:process";
import { PGlite } from "@electric-sql/pglite";
import { readTemplate, unpackTemplate } from "../src/db/pglite_template.ts";

const POOLS = ["128MB", "32MB", "16MB"];
const ROWS = 300_000;
const SELF = new URL(import.meta.url).pathname;

type Figures = Record<string, number>;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const rss = () => Deno.memoryUsage().rss / 2 ** 20;

/** CPU µs per call of `run(i)` over `n` calls. */
async function perStatement(n: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const c0 = cpuMs();
  for (let i = 0; i < n; i++) await run(i);
  return (cpuMs() - c0) * 1000 / n;
}

async function child(pool: string): Promise<Figures> {
  // Where DATA_DIR's default puts data (see bench/pglite_start.ts on /tmp).
  const data = new URL("../data/", import.meta.url).pathname;
  await Deno.mkdir(data, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: data, prefix: "bench_buffers_" });
  try {
    await unpackTemplate(dir, (await readTemplate())!);
    const pg = await PGlite.create(dir, {
      startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${pool}`],
    });
    const opened = rss();
    await pg.exec(`CREATE TABLE big (id int PRIMARY KEY, body text, n int NOT NULL DEFAULT 0);
      INSERT INTO big (id, body) SELECT i, repeat('x', 200) FROM generate_series(1, ${ROWS}) i;
      CHECKPOINT`);
    const spread = (i: number) => 1 + (i * 104_729) % ROWS; // a prime stride: all over the table
    const select = (id: number) => pg.query("SELECT body FROM big WHERE id = $1", [id]);
    const update = (id: number) => pg.query("UPDATE big SET n = n + 1 WHERE id = $1", [id]);
    await perStatement(1000, (i) => select(spread(i))); // warm-up: code compiled, pool filled
    const figures = {
      "RSS after opening, MiB": opened,
      "CPU µs per SELECT, 1,000 hot rows": await perStatement(5000, (i) => select(1 + i % 1000)),
      "CPU µs per SELECT, spread over 300,000 rows": await perStatement(
        5000,
        (i) => select(spread(i)),
      ),
      "CPU µs per UPDATE, spread over 300,000 rows": await perStatement(
        3000,
        (i) => update(spread(i + 7)),
      ),
      "RSS after the work, MiB": rss(),
    };
    await pg.close();
    return figures;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function main() {
  const rounds = Number(Deno.args[0] ?? 3);
  const runs = new Map<string, Figures[]>(POOLS.map((p) => [p, []]));
  for (let r = 0; r < rounds; r++) {
    for (const pool of POOLS) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", SELF, "--pool", pool],
        stderr: "inherit",
      }).output();
      if (!out.success) throw new Error(`shared_buffers=${pool} failed`);
      runs.get(pool)!.push(JSON.parse(new TextDecoder().decode(out.stdout).trim()));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const keys = Object.keys(runs.get(POOLS[0]!)![0]!);
  console.log(`PGlite shared_buffers, median of ${rounds} rounds; Deno ${Deno.version.deno}`);
  console.log(`| | ${POOLS.join(" | ")} |`);
  console.log(`|---|${POOLS.map(() => "---").join("|")}|`);
  for (const k of keys) {
    const cells = POOLS.map((p) => median(runs.get(p)!.map((f) => f[k]!)).toFixed(0));
    console.log(`| ${k} | ${cells.join(" | ")} |`);
  }
}

if (Deno.args[0] === "--pool") console.log(JSON.stringify(await child(Deno.args[1]!)));
else await main();
