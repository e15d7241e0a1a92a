// Who a worker is ("host:pid:random", stored with every update it takes) and, at start-up,
// which holders of updates are certainly dead: on this host, a process that no longer runs (or
// an earlier incarnation of this very pid, as in a restarted container). Their updates need not
// wait for the lease to run out. A holder on another host is never judged: its lease decides.

export function newWorkerId(): string {
  const random = crypto.randomUUID().slice(0, 8);
  return `${hostname()}:${Deno.pid}:${random}`;
}

/** Of `workers`, those certainly not running any more (never `self`). */
export function deadWorkers(workers: readonly string[], self: string): string[] {
  const host = hostname();
  return workers.filter((w) => {
    if (w === self) return false;
    const m = /^(.*):(\d+):[^:]+$/.exec(w);
    if (!m || m[1] !== host) return false;
    const pid = Number(m[2]);
    return pid === Deno.pid || !processAlive(pid);
  });
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}

function processAlive(pid: number): boolean {
  if (Deno.build.os !== "linux") return true; // cannot tell: assume it is
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // A zombie (Z) has ended; it only waits for its parent to collect it.
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}
