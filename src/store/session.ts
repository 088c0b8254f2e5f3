// What `up` and `down` need from the state dir, in order: the database, the lock (or
// exit 4), recovery of runs whose supervisor died. Closing releases the lock.
import { hostname } from "node:os";
import { openDatabase, type Db } from "./database.js";
import { acquireLock, releaseLock, type LockHolder } from "./lock.js";
import { recoverAbandonedRuns, type Abandoned } from "./recovery.js";

export type Session = { ok: true; db: Db; abandoned: Abandoned[]; takenOver: LockHolder | undefined; close(): void } | { ok: false; holder: LockHolder };

// `runId` goes into the lock row as it is taken, so a second run can always say which
// run holds it.
export async function openSession(stateDir: string, command: string, waitMs: number, runId: string | null = null): Promise<Session> {
  const db = openDatabase(stateDir);
  const lock = await acquireLock(db, command, runId, waitMs);
  if (!lock.acquired) {
    db.close();
    return { ok: false, holder: lock.holder };
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    releaseLock(db);
    db.close();
  };
  try {
    const abandoned = await recoverAbandonedRuns(db, stateDir);
    return { ok: true, db, abandoned, takenOver: lock.takenOver, close };
  } catch (error) {
    close();
    throw error;
  }
}

export function describeHolder(holder: LockHolder): string {
  const where = holder.host === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
  return `${where} (\`netra-start ${holder.command}\`${holder.runId ? `, run ${holder.runId}` : ""}) since ${holder.acquiredAt}`;
}
