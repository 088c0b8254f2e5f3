// What `up` and `down` need from the state dir, in order: the database, the lock (or
// exit 4), recovery of runs whose supervisor died. Closing releases the lock.
import { formatDuration } from "../config/duration.js";
import { openDatabase, type Db } from "./database.js";
import { acquireLock, forceUnlock, releaseLock, type LockHolder } from "./lock.js";
import { recoverAbandonedRuns, type Abandoned } from "./recovery.js";
import { keepReserve } from "./reserve.js";
import { checkStateDir } from "./state-dir.js";

export type Session =
  | { ok: true; db: Db; abandoned: Abandoned[]; takenOver: LockHolder | undefined; forced: LockHolder | undefined; close(): void }
  | { ok: false; holder: LockHolder; forceRefused: boolean };

export interface SessionOptions {
  command: string;
  waitMs: number;
  /** Goes into the lock row as it is taken, so a second run can always say which run holds it. */
  runId?: string | null;
  /** `--force-unlock`: remove another holder's lock first (never one alive on this host). */
  forceUnlock?: boolean;
}

export async function openSession(stateDir: string, options: SessionOptions): Promise<Session> {
  checkStateDir(stateDir);
  const db = openDatabase(stateDir);
  let forced: LockHolder | undefined;
  if (options.forceUnlock) {
    const result = forceUnlock(db);
    if ("refused" in result) {
      db.close();
      return { ok: false, holder: result.refused, forceRefused: true };
    }
    forced = result.removed;
  }
  const lock = await acquireLock(db, options.command, options.runId ?? null, options.waitMs);
  if (!lock.acquired) {
    db.close();
    return { ok: false, holder: lock.holder, forceRefused: false };
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      releaseLock(db);
    } finally {
      db.close();
    }
  };
  try {
    const abandoned = await recoverAbandonedRuns(db, stateDir);
    keepReserve(stateDir);
    return { ok: true, db, abandoned, takenOver: lock.takenOver, forced, close };
  } catch (error) {
    close();
    throw error;
  }
}

// Which process, on which machine, doing what, since when and for how long: enough to
// tell a run in progress from one whose machine is gone.
export function describeHolder(holder: LockHolder, now = Date.now()): string {
  const age = now - Date.parse(holder.acquiredAt);
  const ago = Number.isFinite(age) ? `, ${formatDuration(Math.max(0, age))} ago` : "";
  return `pid ${holder.pid} on ${holder.host} (\`netra-start ${holder.command}\`${holder.runId ? `, run ${holder.runId}` : ""}) since ${holder.acquiredAt}${ago}`;
}
