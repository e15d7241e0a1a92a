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
    out[k] = v instanceof Error ? describeError(v) : v;
  }
  return out;
}

/** A one-line description of an error and its causes, without stack traces. */
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
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return scrubSecrets(parts.join(": "));
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
