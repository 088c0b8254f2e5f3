// Room kept for the end of a run. When the disk fills up mid-run, the report database
// cannot take the run's last rows or even the deletion of the lock row — the run would
// stay `running` and the lock held. So `up` keeps <state-dir>/reserve, a file of
// RESERVE_BYTES, and deletes it the moment the disk is found full: what it gave back is
// enough to record the run's end and release the lock. The next run that finds room
// makes it again. (The "ballast file" of databases and log shippers.)
import { closeSync, existsSync, openSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

/** The run's final rows and the lock's deletion take a few WAL pages per stage: 1000 stages fit. */
export const RESERVE_BYTES = 1024 * 1024;

export function reservePath(stateDir: string): string {
  return path.join(stateDir, "reserve");
}

/** Made once, while there is room; silently not made when there is none (the run goes on). */
export function keepReserve(stateDir: string): void {
  const file = reservePath(stateDir);
  if (existsSync(file)) return;
  let fd: number | undefined;
  try {
    fd = openSync(file, "wx", 0o600);
    // Written, not sparse: a sparse file would give back nothing.
    const chunk = Buffer.alloc(64 * 1024);
    for (let written = 0; written < RESERVE_BYTES; written += chunk.length) writeSync(fd, chunk);
  } catch {
    if (fd !== undefined) rmSync(file, { force: true });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Gives the room back; true when there was a reserve to give. */
export function releaseReserve(stateDir: string): boolean {
  const file = reservePath(stateDir);
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}
