// Scheduling estimates: each stage's median duration over its newest five successful runs,
// read from the per-stage aggregate (stage_durations) so that the lookup does not grow
// with the history. Older databases get the aggregate built from their rows by migration 6.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { databasePath, openDatabase, type Db } from "../../src/store/database.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { durationEstimates } from "../../src/store/queries.js";
import { median, parseRecent, withNewest } from "../../src/store/stage-durations.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "netra-estimates-"));
  dirs.push(dir);
  return dir;
}

// A database as schema 5 left it (before the aggregate), with one run per entry:
// [stage, status, duration_ms] rows, runs one minute apart.
function version5WithHistory(dir: string, runs: [string, string, number | null][][]): void {
  const db = new Database(databasePath(dir));
  for (const sql of MIGRATIONS.slice(0, 5)) db.exec(sql);
  db.pragma("user_version = 5");
  runs.forEach((rows, i) => {
    const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
    const id = `run-${String(i).padStart(3, "0")}`;
    db.prepare("INSERT INTO runs (id, started_at, finished_at, status, config_path, config_hash, host, pid, name, command, stages_total) VALUES (?, ?, ?, 'ready', '/x', 'h', 'h', 1, 'n', 'up', ?)").run(id, at, at, rows.length);
    for (const [stage, status, ms] of rows)
      db.prepare("INSERT INTO stage_runs (run_id, stage, kind, priority, status, attempts, started_at, finished_at, duration_ms) VALUES (?, ?, 'task', 'high', ?, 1, ?, ?, ?)").run(id, stage, status, at, at, ms);
  });
  db.close();
}

describe("durationEstimates", () => {
  it("is empty without history", () => {
    const db = openDatabase(stateDir());
    expect(durationEstimates(db)).toEqual(new Map());
    db.close();
  });

  it("migration 6 builds the aggregate from the newest five successful durations of each stage", () => {
    const dir = stateDir();
    version5WithHistory(dir, [
      [["api", "ready", 900], ["db", "ready", 50], ["flaky", "failed", 10]],
      [["api", "ready", 800], ["db", "failed", 5000]],
      [["api", "ready", 100], ["db", "ready", null]],
      [["api", "ready", 200], ["db", "ready", 70]],
      [["api", "failed", 1]],
      [["api", "ready", 300]],
      [["api", "ready", 400]],
      [["api", "ready", 500], ["web", "ready", 42]],
    ]);
    const db: Db = openDatabase(dir);
    // api: newest five ready are 500, 400, 300, 200, 100 (800 and 900 are older); db: 50 and 70.
    expect(durationEstimates(db)).toEqual(new Map([["api", 300], ["db", 60], ["web", 42]]));
    expect(db.prepare("SELECT recent_ms FROM stage_durations WHERE stage = 'api'").get()).toEqual({ recent_ms: "500,400,300,200,100" });
    db.close();
  });

  it("reads one row per stage, never the history", () => {
    const db = openDatabase(stateDir());
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT stage, recent_ms FROM stage_durations").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join("\n")).toBe("SCAN stage_durations");
    db.close();
  });
});

describe("the rolling list", () => {
  it("keeps the newest five, newest first", () => {
    let recent: number[] = [];
    for (const ms of [10, 20, 30, 40, 50, 60]) recent = withNewest(recent, ms);
    expect(recent).toEqual([60, 50, 40, 30, 20]);
    expect(parseRecent(recent.join(","))).toEqual(recent);
    expect(median(recent)).toBe(40);
    expect(median([1, 4])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });

  it("ignores what is not a duration", () => {
    expect(parseRecent("12,x,-3,,7")).toEqual([12, 7]);
  });
});
