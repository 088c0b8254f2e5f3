// durationEstimates: each stage's median duration over its newest five successful runs,
// read through the stage_runs_recent index.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../src/store/database.js";
import { durationEstimates } from "../../src/store/queries.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function database(): Db {
  const dir = mkdtempSync(path.join(tmpdir(), "netra-estimates-"));
  dirs.push(dir);
  return openDatabase(dir);
}

// One run per entry: [stage, status, duration_ms] rows, runs one minute apart.
function record(db: Db, runs: [string, string, number | null][][]): void {
  runs.forEach((rows, i) => {
    const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
    const id = `run-${String(i).padStart(3, "0")}`;
    db.prepare("INSERT INTO runs (id, started_at, finished_at, status, config_path, config_hash, host, pid, name, command, stages_total) VALUES (?, ?, ?, 'ready', '/x', 'h', 'h', 1, 'n', 'up', ?)").run(id, at, at, rows.length);
    for (const [stage, status, ms] of rows)
      db.prepare("INSERT INTO stage_runs (run_id, stage, kind, priority, status, attempts, started_at, finished_at, duration_ms) VALUES (?, ?, 'task', 'high', ?, 1, ?, ?, ?)").run(id, stage, status, at, at, ms);
  });
}

describe("durationEstimates", () => {
  it("is empty without history", () => {
    const db = database();
    expect(durationEstimates(db)).toEqual(new Map());
    db.close();
  });

  it("takes the median of each stage's newest five successful durations", () => {
    const db = database();
    record(db, [
      [["api", "ready", 900], ["db", "ready", 50], ["flaky", "failed", 10]],
      [["api", "ready", 800], ["db", "failed", 5000]],
      [["api", "ready", 100], ["db", "ready", null]],
      [["api", "ready", 200], ["db", "ready", 70]],
      [["api", "failed", 1]],
      [["api", "ready", 300]],
      [["api", "ready", 400]],
      [["api", "ready", 500], ["web", "ready", 42]],
    ]);
    // api: newest five ready are 500, 400, 300, 200, 100 (800 and 900 are older); db: 50 and 70.
    expect(durationEstimates(db)).toEqual(new Map([["api", 300], ["db", 60], ["web", 42]]));
    db.close();
  });

  it("reads the index, not the whole history", () => {
    const db = database();
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT rowid FROM stage_runs WHERE stage = ? AND status = 'ready' AND duration_ms IS NOT NULL ORDER BY finished_at DESC LIMIT 5")
      .all("api") as { detail: string }[];
    expect(plan.map((p) => p.detail).join("\n")).toContain("USING INDEX stage_runs_recent");
    db.close();
  });
});
