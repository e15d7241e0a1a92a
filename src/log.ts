// Structured logger: JSON lines in production, readable lines in development, child loggers
// carrying fields (update id, request id). Writes to stderr so stdout stays for command output.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "json" | "pretty";
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where finished lines go; defaults to stderr. Tests pass an array collector. */
  write?: (line: string) => void;
  now?: () => Date;
  /** Sees every line's level and message, whatever the level filter (metrics count them). */
  observe?: (level: LogLevel, msg: string) => void;
}

export function createLogger(opts: LoggerOptions = {}, base: Fields = {}): Logger {
  const min = ORDER[opts.level ?? "info"];
  const format = opts.format ?? "pretty";
  const write = opts.write ?? writeStderr;
  const now = opts.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: Fields) => {
    opts.observe?.(level, msg);
    if (ORDER[level] < min) return;
    const all = { ...base, ...fields };
    write(
      format === "json" ? jsonLine(now(), level, msg, all) : prettyLine(level, msg, all),
    );
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(opts, { ...base, ...fields }),
  };
}

/** A logger that collects lines in memory, for tests. */
export function memoryLogger(
  level: LogLevel = "debug",
  observe?: LoggerOptions["observe"],
): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level, format: "pretty", write: (l) => lines.push(l), observe });
  return Object.assign(logger, { lines });
}

// The level is upper case in JSON too, so `make logs-bot | grep ERROR` finds error lines.
function jsonLine(time: Date, level: LogLevel, msg: string, fields: Fields): string {
  return JSON.stringify({
    time: time.toISOString(),
    level: level.toUpperCase(),
    msg,
    ...serialiseFields(fields),
  });
}

// Info lines start with the message itself, so start-up lines begin with "✅"; other levels
// carry their level name first so `grep ERROR` finds them.
function prettyLine(level: LogLevel, msg: string, fields: Fields): string {
  const rest = Object.entries(serialiseFields(fields))
    .map(([k, v]) => `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v)}`)
    .join(" ");
  const head = level === "info" ? msg : `${level.toUpperCase()} ${msg}`;
  return rest ? `${head}  ${rest}` : head;
}

function serialiseFields(fields: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) {
    // Whatever was thrown — an Error or not — is logged as its one-line description.
    const thrown = v instanceof Error || (k === "err" && typeof v === "object" && v !== null);
    out[k] = thrown ? describeError(v) : v;
  }
  return out;
}

/**
 * A one-line description of an error and its causes, without stack traces. A thrown value that is
 * not an Error (PGlite's file system throws `{ name: "ErrnoError", errno: 51 }`) is described by
 * what it carries — its name, message, code or errno — never as "[object Object]".
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    if (cur instanceof Error) {
      const code = (cur as { code?: unknown }).code;
      parts.push(
        code && !cur.message.includes(String(code)) ? `${cur.message} (${code})` : cur.message,
      );
      cur = cur.cause;
    } else if (typeof cur === "object") {
      parts.push(describeObject(cur));
      cur = (cur as { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return scrubSecrets(parts.join(": "));
}

/** Emscripten's (WASI) errno numbers of the file-system failures a start-up can meet. */
const WASI_ERRNO: Record<number, string> = {
  2: "EACCES: permission denied",
  19: "EDQUOT: disk quota exceeded",
  20: "EEXIST: file exists",
  29: "EIO: input/output error",
  33: "EMFILE: too many open files",
  44: "ENOENT: no such file or directory",
  48: "ENOMEM: out of memory",
  51: "ENOSPC: no space left on device",
  54: "ENOTDIR: not a directory",
  63: "EPERM: operation not permitted",
  69: "EROFS: read-only file system",
};

function describeObject(o: object): string {
  const e = o as { name?: unknown; message?: unknown; code?: unknown; errno?: unknown };
  const name = typeof e.name === "string" && e.name ? e.name : undefined;
  const message = typeof e.message === "string" && e.message ? e.message : undefined;
  const code = typeof e.code === "string" || typeof e.code === "number" ? String(e.code) : "";
  const errno = typeof e.errno === "number" || typeof e.errno === "string" ? e.errno : undefined;
  const known = name === "ErrnoError" && typeof errno === "number" ? WASI_ERRNO[errno] : undefined;
  const bits = [
    message ?? name,
    known,
    code && !message?.includes(code) ? `(${code})` : undefined,
    errno !== undefined ? `(errno ${errno})` : undefined,
  ].filter((b) => b !== undefined);
  if (bits.length > 0) return bits.join(" ");
  let json: string | undefined;
  try {
    json = JSON.stringify(o);
  } catch {
    json = undefined;
  }
  const tag = o.constructor?.name && o.constructor.name !== "Object" ? o.constructor.name : "";
  if (json && json !== "{}") return `${tag}${json}`.slice(0, 300);
  return `${tag || "an object"} without a message`;
}

/** Bot tokens and API keys that an error message may carry (a URL, a request) never reach a log. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/(?<![0-9])\d{5,}:[A-Za-z0-9_-]{30,}/g, "<bot-token>")
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, "<api-key>")
    .replace(/(Basic|Bearer) [A-Za-z0-9+/=._-]{8,}/g, "$1 <redacted>");
}

const encoder = new TextEncoder();
function writeStderr(line: string): void {
  const bytes = encoder.encode(line + "\n");
  for (let off = 0; off < bytes.length;) off += Deno.stderr.writeSync(bytes.subarray(off));
}
