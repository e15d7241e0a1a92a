// Benchmark: what one small statement costs the bot's process in each PostgreSQL driver
// configuration — process CPU (user + system, all threads) and wall time per statement, one at a
// time and 10 and 50 at once — for a primary-key SELECT of a 15-column row and a small
// INSERT ... ON CONFLICT upsert. Each configuration runs in a process of its own
// (bench/driver_worker.mjs): postgres.js as src/db/postgres.ts configures it and with prepared
// statements and other pool sizes, node-postgres, a minimal wire-protocol client over node:net
// and over Deno.connect (the floor, and where the time goes), and the same on Node for reference.
// Asserts nothing. Run: deno task bench:driver [statements per measurement, default 2000]
// (BENCH_DATABASE_URL or TEST_DATABASE_URL names the server; a database is made for the run and
// dropped afterwards.)

import postgres from "postgres";
import { SELECT_USER, UPSERT_SESSION, USERS } from "./driver_statements.mjs";

const n = Number(Deno.args[0] ?? 2000);
const serverUrl = Deno.env.get("BENCH_DATABASE_URL") ?? Deno.env.get("TEST_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";

interface Variant {
  name: string;
  runtime: "deno" | "node";
  driver: "postgres" | "pg" | "raw";
  max: number;
  prepare?: boolean;
  fetchTypes?: boolean;
  transport?: "node" | "deno";
}

const VARIANTS: Variant[] = [
  {
    name: "postgres.js `unsafe`, unnamed statements, max 10 (before)",
    runtime: "deno",
    driver: "postgres",
    max: 10,
  },
  {
    name: "postgres.js `unsafe` + prepare: true, max 10 (src/db/postgres.ts)",
    runtime: "deno",
    driver: "postgres",
    max: 10,
    prepare: true,
  },
  {
    name: "postgres.js, prepare: true, max 4",
    runtime: "deno",
    driver: "postgres",
    max: 4,
    prepare: true,
  },
  {
    name: "postgres.js, prepare: true, max 20",
    runtime: "deno",
    driver: "postgres",
    max: 20,
    prepare: true,
  },
  {
    name: "postgres.js, prepare: true, fetch_types: false",
    runtime: "deno",
    driver: "postgres",
    max: 10,
    prepare: true,
    fetchTypes: false,
  },
  { name: "node-postgres (pg), max 10", runtime: "deno", driver: "pg", max: 10 },
  {
    name: "node-postgres (pg), named statements",
    runtime: "deno",
    driver: "pg",
    max: 10,
    prepare: true,
  },
  {
    name: "raw protocol over node:net, 10 conns",
    runtime: "deno",
    driver: "raw",
    max: 10,
    transport: "node",
  },
  {
    name: "raw protocol over Deno.connect, 10 conns",
    runtime: "deno",
    driver: "raw",
    max: 10,
    transport: "deno",
  },
  {
    name: "postgres.js `unsafe`, unnamed statements",
    runtime: "node",
    driver: "postgres",
    max: 10,
  },
  {
    name: "postgres.js `unsafe` + prepare: true",
    runtime: "node",
    driver: "postgres",
    max: 10,
    prepare: true,
  },
  {
    name: "node-postgres (pg), named statements",
    runtime: "node",
    driver: "pg",
    max: 10,
    prepare: true,
  },
  {
    name: "raw protocol over node:net, 10 conns",
    runtime: "node",
    driver: "raw",
    max: 10,
    transport: "node",
  },
];

const COLUMNS = ["select/1", "select/10", "select/50", "upsert/1", "upsert/10", "upsert/50"];

type Results = Record<string, { cpu: number; wall: number }>;

async function setUp(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`
      CREATE TABLE bench_user (
        id bigint PRIMARY KEY, username text, first_name text, last_name text,
        language_code text, gender text, age smallint, source text,
        created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(), blocked_at timestamptz,
        is_premium boolean NOT NULL DEFAULT false, settings jsonb NOT NULL DEFAULT '{}',
        credits integer NOT NULL DEFAULT 0);
      CREATE TABLE bench_session (
        key text PRIMARY KEY, data jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO bench_user (id, username, first_name, last_name, language_code, gender, age,
          source, settings)
        SELECT i, 'user' || i, 'Анна', 'Иванова', 'ru', 'female', 30, 'ads',
          '{"notifications": true, "voice": "warm"}'
        FROM generate_series(1, ${USERS}) AS i;
    `).simple();
  } finally {
    await sql.end();
  }
}

async function runVariant(v: Variant, url: string): Promise<Results | string> {
  const config = JSON.stringify({ ...v, url, n });
  const script = new URL("./driver_worker.mjs", import.meta.url).pathname;
  const cmd = v.runtime === "deno"
    ? new Deno.Command(Deno.execPath(), { args: ["run", "-A", script, config] })
    : new Deno.Command("node", { args: [script, config] });
  let out: Deno.CommandOutput;
  try {
    out = await cmd.output();
  } catch (err) {
    return `not run: ${(err as Error).message}`;
  }
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  if (!out.success || !text.startsWith("{")) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
    return `failed: ${err}`;
  }
  return (JSON.parse(text) as { results: Results }).results;
}

function row(v: Variant, r: Results | string): string {
  const cells = typeof r === "string"
    ? COLUMNS.map((_, i) => i === 0 ? r : "")
    : COLUMNS.map((c) => `${r[c]!.cpu.toFixed(0)} / ${r[c]!.wall.toFixed(0)}`);
  return `| ${v.runtime} | ${v.name} | ${cells.join(" | ")} |`;
}

async function main() {
  const name = `soulbot_bench_driver_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    await setUp(url.href);
    console.log(
      `CPU µs / wall µs per statement, median of 3 runs of ${n} statements per cell (1, 10 or 50 in flight); ` +
        `Deno ${Deno.version.deno}, Node ${await nodeVersion()}`,
    );
    console.log(`SELECT: ${SELECT_USER}\nupsert: ${UPSERT_SESSION}`);
    console.log(
      "| runtime | driver | SELECT ×1 | SELECT ×10 | SELECT ×50 | upsert ×1 | upsert ×10 | upsert ×50 |",
    );
    console.log("|---|---|---|---|---|---|---|---|");
    for (const v of VARIANTS) console.log(row(v, await runVariant(v, url.href)));
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function nodeVersion(): Promise<string> {
  try {
    const out = await new Deno.Command("node", { args: ["--version"] }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "not installed";
  }
}

await main();
