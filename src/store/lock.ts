// One `up`/`down` per state dir. The lock is a row, taken in a BEGIN IMMEDIATE
// transaction: SQLite's write lock makes check-and-take atomic across processes, so of
// five runs started at once exactly one gets it — no lock-file races, no stale files.
// A holder is alive if its pid exists with the same start time (pids are reused).
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { Db } from "./database.js";
import { sleep } from "../util/sleep.js";

export interface LockHolder {
  pid: number;
  host: string;
  acquiredAt: string;
  runId: string | null;
  command: string;
  procStart: string | null;
}

export type LockResult = { acquired: true; takenOver: LockHolder | undefined } | { acquired: false; holder: LockHolder };

// Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat):
// together with the pid it names one process, even after the pid is reused.
export function processStartTime(pid: number): string | null {
  return procStatFields(pid)?.[19] ?? null;
}

// The fields after the parenthesised command: state ppid pgrp ... (undefined: no such process).
function procStatFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

export function holderAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // another machine's: we cannot tell, so respect it
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const fields = procStatFields(holder.pid);
  // A zombie has exited and holds nothing: a supervisor killed with -9 whose parent is gone
  // waits as one until init reaps it, which here can take over a second.
  if (fields?.[0] === "Z" || fields?.[0] === "X") return false;
  const start = fields?.[19] ?? null;
  return holder.procStart === null || start === null || start === holder.procStart;
}

function toHolder(row: Record<string, unknown>): LockHolder {
  return {
    pid: row.pid as number,
    host: row.host as string,
    acquiredAt: row.acquired_at as string,
    runId: (row.run_id as string | null) ?? null,
    command: row.command as string,
    procStart: (row.proc_start as string | null) ?? null,
  };
}

export function readLock(db: Db): LockHolder | undefined {
  const row = db.prepare("SELECT * FROM lock WHERE id = 1").get() as Record<string, unknown> | undefined;
  return row ? toHolder(row) : undefined;
}

export function tryAcquireLock(db: Db, command: string, runId: string | null): LockResult {
  return db
    .transaction((): LockResult => {
      const current = readLock(db);
      if (current && current.pid === process.pid && current.host === hostname()) return { acquired: true, takenOver: undefined };
      if (current && holderAlive(current)) return { acquired: false, holder: current };
      db.prepare("INSERT OR REPLACE INTO lock (id, pid, host, acquired_at, proc_start, run_id, command) VALUES (1, ?, ?, ?, ?, ?, ?)").run(
        process.pid,
        hostname(),
        new Date().toISOString(),
        processStartTime(process.pid),
        runId,
        command,
      );
      return { acquired: true, takenOver: current };
    })
    .immediate();
}

/** This host's holder that still runs: the one lock `--force-unlock` never removes. */
export function holderRunsHere(holder: LockHolder): boolean {
  return holder.host === hostname() && holderAlive(holder);
}

export type ForceUnlock = { removed: LockHolder | undefined } | { refused: LockHolder };

// `--force-unlock`: a lock whose holder we cannot check — a run on another machine
// sharing the state dir, which may have died with its machine — would otherwise block
// every run for good. Refused while the holder is alive on this host: stop it instead.
export function forceUnlock(db: Db): ForceUnlock {
  return db
    .transaction((): ForceUnlock => {
      const current = readLock(db);
      if (!current || (current.pid === process.pid && current.host === hostname())) return { removed: undefined };
      if (holderRunsHere(current)) return { refused: current };
      db.prepare("DELETE FROM lock WHERE id = 1").run();
      return { removed: current };
    })
    .immediate();
}

export function releaseLock(db: Db): void {
  db.prepare("DELETE FROM lock WHERE id = 1 AND pid = ? AND host = ?").run(process.pid, hostname());
}

// `--wait-lock`: poll until the lock is free or the wait is over.
export async function acquireLock(db: Db, command: string, runId: string | null, waitMs: number): Promise<LockResult> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const result = tryAcquireLock(db, command, runId);
    if (result.acquired || Date.now() >= deadline) return result;
    await sleep(Math.min(250, Math.max(10, deadline - Date.now())));
  }
}
