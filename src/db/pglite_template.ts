// A new embedded database starts from a data directory that PGlite's initdb made once and that
// ships beside this file (pglite_template.tar.br), unpacked with plain file writes, instead of
// running initdb at every fresh start: initdb runs a second PGlite instance and copies its files
// through the WASM file system, ~2 s and several hundred MB of memory (`deno task bench:pglite`).
// The directory fits only the PGlite that made it: `deno task pglite:template` makes it anew
// after PGlite is upgraded, and pglite_template_test.ts fails until then.

import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import { PGlite } from "@electric-sql/pglite";

export const TEMPLATE_URL = new URL("./pglite_template.tar.br", import.meta.url);

/** The file PGlite looks for to tell an existing data directory from an empty one. */
export const VERSION_FILE = "PG_VERSION";

/** The template as a plain tar, or undefined when it was not shipped (PGlite then runs initdb). */
export async function readTemplate(
  url: URL = TEMPLATE_URL,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  let packed: Uint8Array;
  try {
    packed = await Deno.readFile(url);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  const tar = zlib.brotliDecompressSync(packed);
  return new Uint8Array(tar.buffer as ArrayBuffer, tar.byteOffset, tar.length);
}

/**
 * Writes the template's files into `dir` (empty, or left by an unpacking that was cut short) and
 * returns the names it created at the top of `dir`. PG_VERSION comes last, so a directory is
 * never taken for a database before every file is in it.
 */
export async function unpackTemplate(dir: string, tar: Uint8Array): Promise<string[]> {
  const top = new Set<string>();
  let version: { path: string; data: Uint8Array; mode: number } | undefined;
  for (const e of tarEntries(tar)) {
    if (!e.path) continue;
    top.add(e.path.split("/")[0]!);
    const path = `${dir}/${e.path}`;
    if (e.dir) await Deno.mkdir(path, { recursive: true, mode: e.mode });
    else if (e.path === VERSION_FILE) version = { path, data: e.data, mode: e.mode };
    else await Deno.writeFile(path, e.data, { mode: e.mode });
  }
  if (!version) throw new Error(`The embedded database template has no ${VERSION_FILE}`);
  await Deno.writeFile(version.path, version.data, { mode: version.mode });
  return [...top];
}

/**
 * Makes the template with the installed PGlite: initdb into a temporary directory, closed cleanly
 * (a shutdown checkpoint: opening a copy then recovers nothing), its files as a tar, compressed
 * with brotli — its 16 MB window sees that the three databases (template0, template1, postgres)
 * are near copies: 40 MB in ~1.2 MiB.
 */
export async function makeTemplate(): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "soulbot_pglite_template_" });
  try {
    await (await PGlite.create(dir)).close();
    const tar = await tarOf(dir, new Set(["postmaster.pid", "postmaster.opts"]));
    const { constants: c } = zlib;
    return new Uint8Array(zlib.brotliCompressSync(Buffer.from(tar), {
      params: {
        [c.BROTLI_PARAM_QUALITY]: c.BROTLI_MAX_QUALITY,
        [c.BROTLI_PARAM_LGWIN]: c.BROTLI_MAX_WINDOW_BITS,
        [c.BROTLI_PARAM_SIZE_HINT]: tar.length,
      },
    }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const enc = new TextEncoder();

/** A ustar archive of `dir`'s files and directories (names sorted, times zero), less `skip`. */
async function tarOf(dir: string, skip: ReadonlySet<string>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const walk = async (rel: string) => {
    const names: string[] = [];
    for await (const e of Deno.readDir(`${dir}/${rel}`)) names.push(e.name);
    for (const name of names.sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (skip.has(path)) continue;
      // Modes as PostgreSQL's own initdb sets them (PGlite's file system leaves 0666): the data
      // is for this user alone.
      const info = await Deno.stat(`${dir}/${path}`);
      if (info.isDirectory) {
        parts.push(tarHeader(path, 0o700, 0, "5"));
        await walk(path);
      } else if (info.isFile) {
        const data = await Deno.readFile(`${dir}/${path}`);
        parts.push(tarHeader(path, 0o600, data.length, "0"), data);
        parts.push(new Uint8Array((512 - data.length % 512) % 512));
      } else {
        throw new Error(`Cannot put ${path} in the template: neither a file nor a directory`);
      }
    }
  };
  await walk("");
  parts.push(new Uint8Array(1024)); // the two zero blocks that end an archive
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function tarHeader(path: string, mode: number, size: number, type: "0" | "5"): Uint8Array {
  if (enc.encode(path).length > 100) throw new Error(`Path too long for the template: ${path}`);
  const h = new Uint8Array(512);
  const put = (off: number, text: string) => h.set(enc.encode(text), off);
  const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, "0") + "\0";
  put(0, path);
  put(100, octal(mode, 8));
  put(108, octal(0, 8)); // uid
  put(116, octal(0, 8)); // gid
  put(124, octal(size, 12));
  put(136, octal(0, 12)); // mtime
  put(148, "        "); // the checksum counts its own field as spaces
  put(156, type);
  put(257, "ustar\0");
  put(263, "00");
  const sum = h.reduce((a, b) => a + b, 0);
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

interface TarEntry {
  /** Relative to the archive's root ("base/1/1255"). */
  path: string;
  mode: number;
  dir: boolean;
  data: Uint8Array;
}

const dec = new TextDecoder();

/** The entries of a ustar archive (as tarOf, or PGlite's dumpDataDir, writes): files and directories. */
export function* tarEntries(tar: Uint8Array): Generator<TarEntry> {
  const field = (from: number, length: number) => {
    const bytes = tar.subarray(from, from + length);
    const end = bytes.indexOf(0);
    return dec.decode(end < 0 ? bytes : bytes.subarray(0, end)).trim();
  };
  for (let off = 0; off + 512 <= tar.length;) {
    if (tar[off] === 0) return; // the zero blocks that end the archive
    const name = field(off, 100);
    const prefix = field(off + 345, 155);
    const mode = parseInt(field(off + 100, 8) || "0", 8) & 0o777;
    const size = parseInt(field(off + 124, 12) || "0", 8);
    const type = String.fromCharCode(tar[off + 156]!);
    if (type !== "0" && type !== "\0" && type !== "5") {
      throw new Error(`The embedded database template holds an entry of type ${type}: ${name}`);
    }
    off += 512;
    const path = (prefix ? `${prefix}/${name}` : name).replace(/^\/+|\/+$/g, "");
    yield { path, mode, dir: type === "5", data: tar.subarray(off, off + size) };
    off += Math.ceil(size / 512) * 512;
  }
}
