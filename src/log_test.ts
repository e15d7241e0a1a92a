// Logger formats: JSON lines for production, readable lines whose info messages start with the
// message itself (so start-up lines begin with ✅), level filtering and error descriptions.

import assert from "node:assert/strict";
import { createLogger, describeError } from "./log.ts";

Deno.test("json lines carry time, level, message and fields", () => {
  const lines: string[] = [];
  const log = createLogger({ format: "json", write: (l) => lines.push(l), now: () => new Date(0) });
  log.child({ update_id: 5 }).warn("slow", { ms: 12 });
  assert.deepEqual(JSON.parse(lines[0]!), {
    time: "1970-01-01T00:00:00.000Z",
    level: "WARN",
    msg: "slow",
    update_id: 5,
    ms: 12,
  });
});

Deno.test("pretty lines: info starts with the message, other levels with their name", () => {
  const lines: string[] = [];
  const log = createLogger({ format: "pretty", level: "info", write: (l) => lines.push(l) });
  log.info("✅ Database connected");
  log.error("Update failed", { err: new Error("boom", { cause: new Error("root") }) });
  log.debug("hidden");
  assert.equal(lines[0], "✅ Database connected");
  assert.match(lines[1]!, /^ERROR Update failed {2}err="boom: root"$/);
  assert.equal(lines.length, 2);
});

Deno.test("describeError follows causes and codes", () => {
  const err = new Error("Cannot connect", {
    cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
  });
  assert.equal(describeError(err), "Cannot connect: refused (ECONNREFUSED)");
});

Deno.test("describeError names the cause of a thrown non-Error (PGlite's full disk), never [object Object]", () => {
  // What PGlite throws when DATA_DIR's disk is full, wrapped as createPgliteDb wraps it.
  const full = Object.assign(Object.create({ constructor: function ErrnoError() {} }), {
    name: "ErrnoError",
    errno: 51,
  });
  const err = new Error("Cannot open embedded database at /data", { cause: full });
  assert.equal(
    describeError(err),
    "Cannot open embedded database at /data: ErrnoError ENOSPC: no space left on device (errno 51)",
  );
  assert.equal(
    describeError({ name: "ErrnoError", errno: 2 }),
    "ErrnoError EACCES: permission denied (errno 2)",
  );
  assert.equal(describeError({ message: "disk full", code: "ENOSPC" }), "disk full (ENOSPC)");
  assert.equal(describeError({ status: 507 }), '{"status":507}');
  assert.equal(describeError({}), "an object without a message");
  for (const thrown of [full, { status: 507 }, {}]) {
    assert.ok(!describeError(thrown).includes("[object Object]"));
  }
  const lines: string[] = [];
  createLogger({ format: "pretty", write: (l) => lines.push(l) }).error("failed", { err: full });
  assert.match(lines[0]!, /err="ErrnoError ENOSPC: no space left on device \(errno 51\)"/);
});

Deno.test("errors in logs never carry bot tokens or API keys", () => {
  const err = new Error(
    "fetch https://api.telegram.org/bot123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll/getMe failed",
    {
      cause: new Error(
        "401 Incorrect API key provided: sk-proj-abcdef123456; Bearer abc.def.ghi123",
      ),
    },
  );
  const line = describeError(err);
  assert.ok(
    !line.includes("AAAbbb") && !line.includes("sk-proj") && !line.includes("abc.def"),
    line,
  );
  assert.match(line, /<bot-token>.*<api-key>.*Bearer <redacted>/);
});

Deno.test("observe sees every line, also those below the level filter", () => {
  const seen: string[] = [];
  const log = createLogger({
    level: "error",
    write: () => {},
    observe: (level, msg) => seen.push(`${level}:${msg}`),
  });
  log.child({ a: 1 }).warn("Database slow");
  log.error("Update failed");
  assert.deepEqual(seen, ["warn:Database slow", "error:Update failed"]);
});
