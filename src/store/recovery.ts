// After a supervisor was killed (kill -9, OOM, a lost machine): its run is still
// `running` and its stages' process groups may still be alive. The next run that takes
// the lock marks such runs `abandoned` and ends what they left behind.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { groupAlive, terminateGroup } from "../engine/process/process-group.js";
import type { Db } from "./database.js";
import { holderAlive } from "./lock.js";
import { pgidFile } from "./recorder.js";

export interface Abandoned {
  runId: string;
  pid: number;
  startedAt: string;
  /** Process groups that were still running, now ended. */
  stoppedGroups: number[];
}

function readPgids(file: string | undefined): number[] {
  if (!file) return [];
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 1);
  } catch {
    return [];
  }
}

// Ends every process group a run started that still has a live member; returns their ids.
// A process group id is not reused while any member lives, so a live group with a
// recorded id is one this run started. The pgids file holds the ids written before the
// database's commit, in case the supervisor died in between.
export async function endLeftoverGroups(db: Db, stateDir: string, runId: string, graceMs: number): Promise<number[]> {
  const live = leftoverGroups(db, stateDir, runId);
  await Promise.all(live.map((pgid) => terminateGroup(pgid, graceMs)));
  return live;
}

/** The process groups a run started that still have a live member (doctor lists them). */
export function leftoverGroups(db: Db, stateDir: string, runId: string): number[] {
  const recorded = (db.prepare("SELECT DISTINCT pgid FROM processes WHERE run_id = ?").all(runId) as { pgid: number }[]).map((g) => g.pgid);
  return [...new Set([...recorded, ...readPgids(pgidFile(stateDir, runId))])].filter(groupAlive);
}

/** Runs recorded as `running` on this host whose supervisor is gone (not yet marked abandoned). */
export function orphanedRuns(db: Db): { id: string; pid: number; startedAt: string }[] {
  const rows = db.prepare("SELECT id, pid, host, started_at FROM runs WHERE status = 'running' AND host = ? ORDER BY started_at").all(hostname()) as {
    id: string;
    pid: number;
    host: string;
    started_at: string;
  }[];
  return rows
    .filter((row) => row.pid !== process.pid && !holderAlive({ pid: row.pid, host: row.host, acquiredAt: row.started_at, runId: row.id, command: "", procStart: null }))
    .map((row) => ({ id: row.id, pid: row.pid, startedAt: row.started_at }));
}

export async function recoverAbandonedRuns(db: Db, stateDir: string): Promise<Abandoned[]> {
  const abandoned: Abandoned[] = [];
  for (const row of orphanedRuns(db)) {
    const live = await endLeftoverGroups(db, stateDir, row.id, 2000);
    const now = new Date().toISOString();
    db.prepare("UPDATE runs SET status = 'abandoned', finished_at = ?, note = ? WHERE id = ? AND status = 'running'").run(
      now,
      `supervisor (pid ${row.pid}) died during the run${live.length ? `; ended ${live.length} process group${live.length === 1 ? "" : "s"} it left running` : ""}`,
      row.id,
    );
    db.prepare("UPDATE attempt_log SET outcome = 'abandoned', finished_at = ? WHERE run_id = ? AND finished_at IS NULL").run(now, row.id);
    abandoned.push({ runId: row.id, pid: row.pid, startedAt: row.startedAt, stoppedGroups: live });
  }
  return abandoned;
}
