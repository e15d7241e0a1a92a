// One measurement process of bench/driver_cost.ts: connects with one driver configuration, runs
// the two typical statements sequentially and 10 and 50 at a time, and prints one JSON line of
// process CPU and wall time per statement. Plain JavaScript so that Node runs the very same code
// as the reference. Usage: (deno run -A | node) bench/driver_worker.mjs '<config json>'

import process from "node:process";
import net from "node:net";

import { SELECT_USER, UPSERT_SESSION, USERS } from "./driver_statements.mjs";

const STATEMENTS = {
  select: { text: SELECT_USER, params: (i) => [1 + (i % USERS)] },
  upsert: {
    text: UPSERT_SESSION,
    params: (i) => [`chat:${1 + (i * 7919) % USERS}`, { step: "menu", screen: "profile", n: i }],
  },
};

// ---- drivers --------------------------------------------------------------------------------

async function postgresJs(cfg) {
  const { default: postgres } = await import("postgres");
  // The options of src/db/postgres.ts, plus the ones under test.
  const sql = postgres(cfg.url, {
    max: cfg.max,
    idle_timeout: 60,
    connect_timeout: 10,
    onnotice: () => {},
    types: {
      int8: { to: 20, from: [20], serialize: (x) => String(x), parse: (x) => Number(x) },
    },
    connection: { application_name: "soulbot_bench" },
    ...(cfg.fetchTypes === false ? { fetch_types: false } : {}),
  });
  const options = cfg.prepare ? { prepare: true } : {};
  return {
    run: async (text, params) => Array.from(await sql.unsafe(text, params, options)),
    close: () => sql.end({ timeout: 5 }),
  };
}

async function nodePostgres(cfg) {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: cfg.url,
    max: cfg.max,
    application_name: "soulbot_bench",
    types: {
      getTypeParser: (oid, format) => oid === 20 ? Number : pg.types.getTypeParser(oid, format),
    },
  });
  const names = new Map();
  return {
    run: async (text, params) => {
      if (!cfg.prepare) return (await pool.query(text, params)).rows;
      let name = names.get(text);
      if (!name) names.set(text, name = `s${names.size}`);
      return (await pool.query({ name, text, values: params })).rows;
    },
    close: () => pool.end(),
  };
}

/**
 * The floor: a minimal client of the PostgreSQL wire protocol (trust auth, statements prepared
 * once per connection, text results, pipelined), over node:net or over Deno.connect. Comparing
 * the two shows what the Node compatibility layer's sockets cost; comparing either with the
 * drivers shows what the drivers themselves cost.
 */
async function raw(cfg) {
  const u = new URL(cfg.url);
  const conns = [];
  for (let i = 0; i < cfg.max; i++) {
    const transport = cfg.transport === "deno"
      ? await denoTransport(u.hostname, Number(u.port || 5432))
      : await nodeTransport(u.hostname, Number(u.port || 5432));
    const c = new RawConnection(transport);
    await c.startup(decodeURIComponent(u.username || "postgres"), u.pathname.slice(1));
    for (const s of Object.values(STATEMENTS)) await c.prepare(s.text);
    conns.push(c);
  }
  let next = 0;
  return {
    run: (text, params) => conns[next++ % conns.length].execute(text, params),
    close: () => Promise.all(conns.map((c) => c.close())),
  };
}

function nodeTransport(host, port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host);
    s.setNoDelay(true);
    s.once("error", reject);
    s.once("connect", () => {
      resolve({
        write: (bytes) => void s.write(bytes),
        onData: (fn) => s.on("data", (b) => fn(new Uint8Array(b.buffer, b.byteOffset, b.length))),
        close: () => s.end(),
      });
    });
  });
}

async function denoTransport(hostname, port) {
  const conn = await Deno.connect({ hostname, port });
  conn.setNoDelay(true);
  let writing = Promise.resolve();
  return {
    write: (bytes) => {
      writing = writing.then(async () => {
        for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
      });
    },
    onData: (fn) => {
      (async () => {
        const buf = new Uint8Array(64 * 1024);
        for (;;) {
          const n = await conn.read(buf).catch(() => null);
          if (n === null) return;
          fn(buf.slice(0, n));
        }
      })();
    },
    close: async () => {
      await writing;
      conn.close();
    },
  };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Builds one protocol message: a type byte (none for the startup message), a length, a body. */
class Message {
  constructor(type) {
    this.type = type;
    this.parts = [];
    this.size = 0;
  }
  i16(n) {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setInt16(0, n);
    return this.bytes(b);
  }
  i32(n) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, n);
    return this.bytes(b);
  }
  str(s) {
    this.bytes(enc.encode(s));
    return this.bytes(new Uint8Array(1));
  }
  bytes(b) {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }
  done() {
    const head = this.type ? 1 : 0;
    const out = new Uint8Array(head + 4 + this.size);
    if (head) out[0] = this.type.charCodeAt(0);
    new DataView(out.buffer).setInt32(head, 4 + this.size);
    let off = head + 4;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

const SYNC = new Message("S").done();

class RawConnection {
  constructor(transport) {
    this.t = transport;
    this.queue = []; // one entry per Sync (or the startup) sent, answered by a ReadyForQuery
    this.buf = new Uint8Array(0);
    this.statements = new Map(); // text → { name, fields }
    transport.onData((chunk) => this.receive(chunk));
  }

  startup(user, database) {
    const m = new Message(null).i32(196608).str("user").str(user).str("database").str(database)
      .str("application_name").str("soulbot_bench").bytes(new Uint8Array(1));
    return this.send(m.done());
  }

  async prepare(text) {
    const st = { name: `s${this.statements.size}`, fields: [] };
    const parse = new Message("P").str(st.name).str(text).i16(0).done();
    const describe = new Message("D").bytes(enc.encode("S")).str(st.name).done();
    await this.send(concat([parse, describe, SYNC]), st);
    this.statements.set(text, st);
  }

  execute(text, params) {
    const st = this.statements.get(text);
    const bind = new Message("B").str("").str(st.name).i16(0).i16(params.length);
    for (const p of params) {
      if (p === null || p === undefined) bind.i32(-1);
      else {
        const b = enc.encode(typeof p === "object" ? JSON.stringify(p) : String(p));
        bind.i32(b.length).bytes(b);
      }
    }
    bind.i16(0);
    const execute = new Message("E").str("").i32(0).done();
    return this.send(concat([bind.done(), execute, SYNC]), st);
  }

  send(bytes, statement) {
    return new Promise((resolve, reject) => {
      this.queue.push({ statement, rows: [], error: null, resolve, reject });
      this.t.write(bytes);
    });
  }

  receive(chunk) {
    this.buf = this.buf.length ? concat([this.buf, chunk]) : chunk;
    let off = 0;
    const view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    while (this.buf.length - off >= 5) {
      const len = view.getInt32(off + 1);
      if (this.buf.length - off < len + 1) break;
      this.handle(String.fromCharCode(this.buf[off]), this.buf.subarray(off + 5, off + 1 + len));
      off += len + 1;
    }
    this.buf = this.buf.subarray(off);
  }

  handle(type, body) {
    const head = this.queue[0];
    const view = new DataView(body.buffer, body.byteOffset, body.length);
    if (type === "R" && view.getInt32(0) !== 0) {
      head.error = new Error("bench raw client: only trust authentication is supported");
    } else if (type === "T") {
      const fields = [];
      for (let i = 0, off = 2; i < view.getInt16(0); i++) {
        const end = body.indexOf(0, off);
        fields.push(dec.decode(body.subarray(off, end)));
        off = end + 1 + 18;
      }
      head.statement.fields = fields;
    } else if (type === "D") {
      const row = {};
      const fields = head.statement.fields;
      for (let i = 0, off = 2; i < view.getInt16(0); i++) {
        const len = view.getInt32(off);
        off += 4;
        row[fields[i]] = len < 0 ? null : dec.decode(body.subarray(off, off + len));
        if (len > 0) off += len;
      }
      head.rows.push(row);
    } else if (type === "E") {
      head.error = new Error(dec.decode(body));
    } else if (type === "Z") {
      this.queue.shift();
      if (head.error) head.reject(head.error);
      else head.resolve(head.rows);
    }
  }

  close() {
    this.t.write(new Message("X").done());
    return this.t.close();
  }
}

function concat(arrays) {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let off = 0;
  for (const a of arrays) {
    out.set(a, off);
    off += a.length;
  }
  return out;
}

// ---- measurement ----------------------------------------------------------------------------

function cpuMicros() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Runs `n` statements, `parallel` at a time; process CPU µs and wall µs per statement. */
async function measure(client, statement, n, parallel) {
  let issued = 0;
  const loop = async () => {
    while (issued < n) {
      const i = issued++;
      const rows = await client.run(statement.text, statement.params(i));
      if (statement === STATEMENTS.select && rows.length !== 1) {
        throw new Error(`expected one row, got ${rows.length}`);
      }
    }
  };
  const cpu0 = cpuMicros();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: parallel }, loop));
  const wall = (performance.now() - t0) * 1000;
  return { cpu: (cpuMicros() - cpu0) / n, wall: wall / n };
}

function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

async function main() {
  const cfg = JSON.parse(process.argv[2]);
  const make = { postgres: postgresJs, pg: nodePostgres, raw }[cfg.driver];
  const client = await make(cfg);
  const results = {};
  try {
    for (const [kind, statement] of Object.entries(STATEMENTS)) {
      for (const parallel of [1, 10, 50]) {
        // Warm-up: every connection opened, statements prepared, code compiled.
        await measure(client, statement, Math.max(200, parallel * 10), parallel);
        // The median of three runs: the machine is shared, one run may be unlucky.
        const runs = [];
        for (let r = 0; r < 3; r++) runs.push(await measure(client, statement, cfg.n, parallel));
        results[`${kind}/${parallel}`] = {
          cpu: median(runs.map((x) => x.cpu)),
          wall: median(runs.map((x) => x.wall)),
        };
      }
    }
  } finally {
    await client.close();
  }
  console.log(JSON.stringify({ name: cfg.name, results }));
}

await main();
