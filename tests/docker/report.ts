// The Docker stage's checks as they run: each printed with ✅ or ❌, its time and what it found,
// and the summary line .ci/run counts ("Docker stage: N passed, N failed[, N skipped]").

/** The whole stage's limit: checks not started by then fail, and the clean-up still runs. */
export const STAGE_LIMIT_MS = 14 * 60_000;

export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export interface CheckOptions {
  /** Its failure leaves the checks after it without ground: they are counted as failed, not run. */
  gate?: boolean;
  /** What to print after a failure (the services' state and last log lines). */
  onFailure?: () => Promise<string>;
}

export class Checks {
  readonly #started = performance.now();
  readonly #results: { name: string; ok: boolean }[] = [];
  #stopped = false;

  /** Runs one check; what `fn` returns (a line or lines) is printed under it. */
  async check(
    name: string,
    fn: () => Promise<string | string[] | void>,
    opts: CheckOptions = {},
  ): Promise<boolean> {
    if (this.#stopped || performance.now() - this.#started > STAGE_LIMIT_MS) {
      const why = this.#stopped ? "an earlier check failed" : "the stage ran out of its 14 minutes";
      console.log(`❌ ${name}: not run (${why})`);
      this.#results.push({ name, ok: false });
      return false;
    }
    const started = performance.now();
    try {
      const found = await fn();
      console.log(`✅ ${name} (${secs(performance.now() - started)})`);
      for (const line of [found ?? []].flat()) if (line) console.log(`   ${line}`);
      this.#results.push({ name, ok: true });
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const time = secs(performance.now() - started);
      console.log(`❌ ${name} (${time}): ${message.split("\n").join("\n   ")}`);
      if (opts.onFailure) {
        const more = await opts.onFailure().catch((e) => `(no diagnostics: ${e})`);
        console.log(`   ${more.trimEnd().split("\n").join("\n   ")}`);
      }
      this.#results.push({ name, ok: false });
      if (opts.gate) this.#stopped = true;
      return false;
    }
  }

  /** Prints the summary line; the exit code for it. */
  summary(skipped?: string): number {
    const passed = this.#results.filter((r) => r.ok).length;
    const failed = this.#results.length - passed;
    const total = secs(performance.now() - this.#started);
    if (skipped) {
      console.log(`⏭  Docker stage skipped: ${skipped}`);
      console.log(`Docker stage: 0 passed, 0 failed, 1 skipped (${total})`);
      return 0;
    }
    console.log(`Docker stage: ${passed} passed, ${failed} failed (${total})`);
    return failed ? 1 : 0;
  }
}
