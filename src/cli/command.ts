// The shape every subcommand module follows: its own help text and a run function that returns
// an exit code. Only main.ts turns that code into a process exit.

export interface CliIo {
  /** The process environment (before env files are read). */
  env: Record<string, string>;
  cwd: string;
  /** Command output for people or scripts (stdout). */
  out(line: string): void;
  /** Diagnostics (stderr). */
  err(line: string): void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  shutdown: Promise<string>;
  /** Standard input, for commands that read it (opened only when asked for). */
  stdin?: () => ReadableStream<Uint8Array>;
}

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(args: string[], io: CliIo): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
