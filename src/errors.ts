// Domain error classes. They are turned into exit codes, replies or HTTP statuses only at the edges.

/** The configuration (environment) is invalid; `problems` lists every problem found. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** The command line was used wrongly (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A database could not be reached or used. */
export class DatabaseError extends Error {
  override name = "DatabaseError";
}

/** A migration cannot be applied (changed file, failed SQL, ...). */
export class MigrationError extends Error {
  override name = "MigrationError";
}
