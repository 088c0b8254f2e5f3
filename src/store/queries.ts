// Reading the records: history, one run in full, scheduling estimates, retention.
import { spawn } from "node:child_process";
import { mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { childOf, isInside } from "../util/inside-dir.js";
import type { Db } from "./database.js";
import { median, parseRecent } from "./stage-durations.js";

export interface RunRow {
  id: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  exit_code: number | null;
  config_path: string;
  config_hash: string;
  profile: string | null;
  host: string;
  pid: number;
  name: string;
  command: string;
  stages_total: number;
  duration_ms: number | null;
  note: string | null;
  ready: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

export interface StageRunRow {
  run_id: string;
  stage: string;
  kind: string;
  priority: string;
  status: "ready" | "failed" | "skipped" | "cancelled";
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  exit_code: number | null;
  error: string | null;
  log_path: string | null;
  /** JSON list of stage names (NULL for runs recorded before schema 3). */
  depends_on: string | null;
  /** The stage's `description` (NULL before schema 5, or when it had none). */
  description: string | null;
  /** 1: skipped as up to date (absent in databases from before up-to-date tasks). */
  up_to_date?: number;
  /** Why a task with inputs/creates ran, or "up to date". */
  why?: string | null;
}

export interface AttemptRow {
  stage: string;
  attempt: number;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  outcome: string;
  exit_code: number | null;
  signal: string | null;
  error: string | null;
  backoff_ms: number | null;
}

export interface RollbackRow {
  stage: string;
  seq: number;
  reason: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  status: string;
  error: string | null;
}

export interface HealthRow {
  stage: string;
  checked_at: string;
  ok: number;
  duration_ms: number;
  detail: string;
}

const RUN_COLUMNS = `runs.*,
  (SELECT COUNT(*) FROM stage_runs s WHERE s.run_id = runs.id AND s.status = 'ready') AS ready,
  (SELECT COUNT(*) FROM stage_runs s WHERE s.run_id = runs.id AND s.status = 'failed') AS failed,
  (SELECT COUNT(*) FROM stage_runs s WHERE s.run_id = runs.id AND s.status = 'skipped') AS skipped,
  (SELECT COUNT(*) FROM stage_runs s WHERE s.run_id = runs.id AND s.status = 'cancelled') AS cancelled`;

export function listRuns(db: Db, limit: number): RunRow[] {
  return db.prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY started_at DESC, id DESC LIMIT ?`).all(limit) as RunRow[];
}

/** The latest run, or the one whose id is (or starts with) `id`. */
export function findRun(db: Db, id?: string): RunRow | undefined {
  if (id === undefined) return db.prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY started_at DESC, id DESC LIMIT 1`).get() as RunRow | undefined;
  const matches = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ? OR id LIKE ? ORDER BY started_at DESC LIMIT 2`).all(id, `${id.replace(/[%_]/g, "")}%`) as RunRow[];
  return matches.find((m) => m.id === id) ?? (matches.length === 1 ? matches[0] : undefined);
}

export interface RunDetails {
  run: RunRow;
  stages: StageRunRow[];
  attempts: AttemptRow[];
  rollbacks: RollbackRow[];
  health: HealthRow[];
}

// Reports read each failed stage's log tail from `log_path`: a row naming a file outside
// the state dir (a copied or crafted database) must not make them read it.
export function runDetails(db: Db, run: RunRow, stateDir: string): RunDetails {
  const stages = db.prepare("SELECT * FROM stage_runs WHERE run_id = ? ORDER BY position, rowid" /* position: the config's order */).all(run.id) as StageRunRow[];
  return {
    run,
    stages: stages.map((s) => (s.log_path === null || isInside(stateDir, s.log_path) ? s : { ...s, log_path: null })),
    attempts: db.prepare("SELECT * FROM attempts WHERE run_id = ? ORDER BY started_at, stage, attempt").all(run.id) as AttemptRow[],
    rollbacks: db.prepare("SELECT * FROM rollbacks WHERE run_id = ? ORDER BY seq").all(run.id) as RollbackRow[],
    health: db.prepare("SELECT * FROM health_checks WHERE run_id = ? ORDER BY checked_at").all(run.id) as HealthRow[],
  };
}

/** What `down --undo` undoes: the run's stages that became ready and whose cleanup has not run successfully yet, oldest first. */
export function stagesToUndo(db: Db, runId: string): string[] {
  const rows = db
    .prepare(
      `SELECT stage FROM stage_runs s WHERE run_id = ? AND status = 'ready'
         AND NOT EXISTS (SELECT 1 FROM rollbacks r WHERE r.run_id = s.run_id AND r.stage = s.stage AND r.status = 'ok' AND r.action = 'undone')
       ORDER BY finished_at, position`,
    )
    .all(runId) as { stage: string }[];
  return rows.map((r) => r.stage);
}

/** `down` numbers its rollbacks after those already recorded for the run. */
export function lastRollbackSeq(db: Db, runId: string): number {
  return (db.prepare("SELECT COALESCE(MAX(seq), 0) AS seq FROM rollbacks WHERE run_id = ?").get(runId) as { seq: number }).seq;
}

// For critical-path-first scheduling: each stage's median duration over its last five
// successful runs, from the per-stage aggregate the recorder keeps (stage-durations.ts):
// its cost follows the number of stages, never the number of runs recorded.
export function durationEstimates(db: Db): Map<string, number> {
  const rows = db.prepare("SELECT stage, recent_ms FROM stage_durations").all() as { stage: string; recent_ms: string }[];
  const estimates = new Map<string, number>();
  for (const row of rows) {
    const estimate = median(parseRecent(row.recent_ms));
    if (estimate !== undefined) estimates.set(row.stage, estimate);
  }
  return estimates;
}

export interface PruneResult {
  runs: string[];
  /** Log folders that could not be removed (their rows are gone): each says which and why. */
  problems: string[];
}

export interface PruneOptions {
  /** Delete the pruned runs' log folders before returning (`netra-start prune`), instead of in the background (the end of `up`). */
  wait?: boolean;
}

// Keeps the newest `runs` runs and nothing older than `days`; never a running run.
// Deletes their rows (cascading) and their log folders.
export function prune(db: Db, stateDir: string, retention: { runs: number; days: number }, nowMs = Date.now(), options: PruneOptions = {}): PruneResult {
  const cutoff = new Date(nowMs - retention.days * 86_400_000).toISOString();
  const doomed = db
    .prepare(
      `SELECT id FROM runs WHERE status != 'running' AND (
         started_at < ? OR id NOT IN (SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT ?))`,
    )
    .all(cutoff, retention.runs) as { id: string }[];
  const ids = doomed.map((d) => d.id);
  const problems: string[] = [];
  if (options.wait) removeFolder(path.join(stateDir, PRUNED_DIR), problems);
  if (ids.length === 0) return { runs: [], problems };
  db.transaction(() => {
    for (const id of ids) db.prepare("DELETE FROM runs WHERE id = ?").run(id);
  })();
  // A run id is a folder name under logs/ only if it stays there: a row saying
  // `../../victim` loses its row, and nothing outside the state dir is touched.
  const folders: string[] = [];
  for (const id of ids) {
    const dir = childOf(path.join(stateDir, "logs"), id);
    if (dir) folders.push(dir);
    else problems.push(`run id ${JSON.stringify(id)} is not a folder name inside ${path.join(stateDir, "logs")}: its row was deleted, no file was touched`);
  }
  if (options.wait) for (const dir of folders) removeFolder(dir, problems);
  else removeInBackground(stateDir, folders, problems);
  return { runs: ids, problems };
}

function removeFolder(dir: string, problems: string[]): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    problems.push(`could not remove ${dir}: ${(error as Error).message}`);
  }
}

// A run's log folder holds a file per stage, and deleting one takes a syscall or more per
// file, each waiting on the file system: 40 ms to over 0.5 s for a 200-stage run here,
// paid after the last stage of every \`up\` once retention is reached. So each folder leaves
// logs/ at once, by a rename into <state-dir>/.pruned/, and a detached \`rm -rf\` that may
// outlive us deletes that folder; what an interrupted removal leaves goes with the next.
export const PRUNED_DIR = ".pruned";

function removeInBackground(stateDir: string, folders: string[], problems: string[]): void {
  const trash = path.join(stateDir, PRUNED_DIR);
  const removeNow = () => removeFolder(trash, problems);
  try {
    mkdirSync(trash, { recursive: true });
    for (const dir of folders) {
      try {
        renameSync(dir, path.join(trash, path.basename(dir)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") removeFolder(dir, problems);
      }
    }
    spawn("rm", ["-rf", "--", trash], { detached: true, stdio: "ignore" }).on("error", removeNow).unref();
  } catch {
    removeNow();
  }
}
