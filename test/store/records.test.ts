// The report database after every kind of run, through the built CLI and real SQLite files.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, cleanEnv, runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { ISO_MS, queryDb } from "../helpers/db.js";
import { processesMatching, waitFor } from "../helpers/processes.js";

let project: TempProject;
let state: string;
beforeEach(() => {
  project = tempProject("netra-store-");
  state = path.join(project.dir, ".netra");
});
afterEach(() => project.cleanup());

const up = (config: string, args: string[] = [], env: Record<string, string> = {}) => {
  const file = project.write("startup.yaml", config);
  return runCli(["up", "-c", file, "--output", "plain", ...args], { cwd: project.dir, env });
};
const runs = () => queryDb<Record<string, unknown>>(state, "SELECT * FROM runs ORDER BY started_at");

describe("rows after a run", () => {
  it("success: runs, stage_runs and attempts, ISO timestamps with milliseconds", async () => {
    const result = await up(`version: 1\nname: shop\nstages:\n  a: { command: "echo a" }\n  b: { command: "test $NETRA_ATTEMPT = 2", depends_on: [a], backoff: { initial: 10ms } }\n`);
    expect(result.code).toBe(0);
    const [run] = runs();
    expect(run).toMatchObject({ status: "ready", exit_code: 0, name: "shop", command: "up", stages_total: 2, pid: expect.any(Number), profile: null });
    expect(run?.config_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(run?.config_path).toBe(path.join(project.dir, "startup.yaml"));
    expect(run?.started_at).toMatch(ISO_MS);
    expect(run?.finished_at).toMatch(ISO_MS);
    const stages = queryDb(state, "SELECT stage, kind, priority, status, attempts, exit_code, error, log_path, started_at, duration_ms, depends_on FROM stage_runs ORDER BY stage");
    expect(stages).toMatchObject([
      { stage: "a", kind: "task", priority: "critical", status: "ready", attempts: 1, error: null, depends_on: "[]" },
      { stage: "b", status: "ready", attempts: 2, depends_on: '["a"]' },
    ]);
    expect(stages[0]?.started_at).toMatch(ISO_MS);
    expect(existsSync(stages[0]?.log_path as string)).toBe(true);
    const attempts = queryDb(state, "SELECT stage, attempt, outcome, exit_code, backoff_ms, started_at, finished_at FROM attempts ORDER BY stage, attempt");
    expect(attempts).toMatchObject([
      { stage: "a", attempt: 1, outcome: "ok", exit_code: 0 },
      { stage: "b", attempt: 1, outcome: "exit-non-zero", exit_code: 1, backoff_ms: expect.any(Number) },
      { stage: "b", attempt: 2, outcome: "ok" },
    ]);
    expect(attempts[1]?.finished_at).toMatch(ISO_MS);
    // Process rows serve recovery after a kill -9: a finished run leaves none.
    expect(queryDb(state, "SELECT COUNT(*) AS n FROM processes")[0]?.n).toBe(0);
  });

  it("a task's successful first attempt costs no row of its own: the attempts view gives it back, and estimates are kept per stage", async () => {
    const config = `version: 1\nstages:\n  a: { command: "true" }\n  b: { command: "test $NETRA_ATTEMPT = 2", depends_on: [a], backoff: { initial: 10ms } }\n  svc: { kind: service, command: "exec sleep 30", depends_on: [a] }\n`;
    expect((await up(config, ["--check"])).code).toBe(0);
    expect((await up(config, ["--check"])).code).toBe(0);
    // Rows kept: b's two attempts and the service's first, in each of the two runs; a's none.
    expect(queryDb(state, "SELECT stage, attempt, outcome FROM attempt_log ORDER BY stage, attempt")).toEqual([
      { stage: "b", attempt: 1, outcome: "exit-non-zero" },
      { stage: "b", attempt: 1, outcome: "exit-non-zero" },
      { stage: "b", attempt: 2, outcome: "ok" },
      { stage: "b", attempt: 2, outcome: "ok" },
      { stage: "svc", attempt: 1, outcome: "ok" },
      { stage: "svc", attempt: 1, outcome: "ok" },
    ]);
    const given = queryDb(state, "SELECT a.run_id, a.started_at, a.finished_at, a.duration_ms, a.outcome, a.exit_code, s.started_at AS s_start, s.finished_at AS s_end, s.duration_ms AS s_ms FROM attempts a JOIN stage_runs s USING (run_id, stage) WHERE a.stage = 'a'");
    expect(given).toHaveLength(2);
    for (const row of given) expect(row).toMatchObject({ outcome: "ok", exit_code: 0, started_at: row.s_start, finished_at: row.s_end, duration_ms: row.s_ms });
    const report = await runCli(["report", "--state-dir", state, "--output", "json"], { cwd: project.dir });
    expect(JSON.parse(report.stdout).attempts.filter((x: { stage: string }) => x.stage === "a")).toMatchObject([{ attempt: 1, outcome: "ok" }]);
    const durations = queryDb<{ stage: string; recent_ms: string }>(state, "SELECT stage, recent_ms FROM stage_durations ORDER BY stage");
    expect(durations.map((d) => d.stage)).toEqual(["a", "b", "svc"]);
    for (const d of durations) expect(d.recent_ms).toMatch(/^\d+,\d+$/);
  });

  it("failure: status failed, exit 1, rollbacks in reverse order with reason failure", async () => {
    const result = await up(`version: 1\ndefaults: { retries: 0 }\nstages:\n  a: { command: "true", cleanup: "true" }\n  b: { command: "true", depends_on: [a], cleanup: "exit 4" }\n  c: { command: "exit 9", depends_on: [b] }\n`);
    expect(result.code).toBe(1);
    expect(runs()[0]).toMatchObject({ status: "failed", exit_code: 1 });
    expect(queryDb(state, "SELECT stage, status, exit_code, error FROM stage_runs WHERE stage = 'c'")[0]).toEqual({ stage: "c", status: "failed", exit_code: 9, error: "exit code 9" });
    expect(queryDb(state, "SELECT stage, seq, reason, status, error FROM rollbacks ORDER BY seq")).toEqual([
      { stage: "b", seq: 1, reason: "failure", status: "failed", error: "cleanup failed: exit code 4" },
      { stage: "a", seq: 2, reason: "failure", status: "ok", error: null },
    ]);
  });

  it("degraded: status degraded, exit 3, skipped dependents recorded", async () => {
    const result = await up(`version: 1\ndefaults: { retries: 0 }\nstages:\n  opt: { command: "exit 1", priority: low }\n  after: { command: "true", depends_on: [opt], priority: low }\n`);
    expect(result.code).toBe(3);
    expect(runs()[0]).toMatchObject({ status: "degraded", exit_code: 3 });
    expect(queryDb(state, "SELECT stage, status, error FROM stage_runs ORDER BY stage")).toEqual([
      { stage: "after", status: "skipped", error: "dependency opt failed" },
      { stage: "opt", status: "failed", error: "exit code 1" },
    ]);
  });

  it("SIGINT: status interrupted, exit 130, services stopped with reason interrupt, nothing undone", async () => {
    const marker = `${6000 + Math.floor(Math.random() * 900)}.${process.pid}`;
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n  a: { command: "true", cleanup: "echo a >> undo" }\n  svc: { kind: service, command: "sleep 9${marker}", depends_on: [a] }\n  long: { command: "sleep ${marker}", depends_on: [svc] }\n`,
    );
    let pid = 0;
    const running = runCli(["up", "-c", file], { cwd: project.dir, onSpawn: (p) => (pid = p) });
    await waitFor(() => processesMatching(`sleep ${marker}`).length > 0);
    process.kill(pid, "SIGINT");
    expect((await running).code).toBe(130);
    expect(runs()[0]).toMatchObject({ status: "interrupted", exit_code: 130 });
    expect(queryDb(state, "SELECT stage, status FROM stage_runs ORDER BY stage")).toEqual([
      { stage: "a", status: "ready" },
      { stage: "long", status: "cancelled" },
      { stage: "svc", status: "ready" },
    ]);
    expect(queryDb(state, "SELECT stage, reason, action FROM rollbacks")).toEqual([{ stage: "svc", reason: "interrupt", action: "stopped" }]);
    expect(existsSync(path.join(project.dir, "undo"))).toBe(false);
    expect(processesMatching(`sleep 9${marker}`)).toEqual([]);
  });

  it("kill -9: the next run marks it abandoned and ends the processes it left", async () => {
    const marker = `${7000 + Math.floor(Math.random() * 900)}.${process.pid}`;
    const file = project.write("startup.yaml", `version: 1\nstages:\n  long: { command: "sleep ${marker} & sleep ${marker}; true" }\n`);
    const child = spawn(process.execPath, [BIN, "up", "-c", file], { cwd: project.dir, env: cleanEnv(), stdio: "ignore" });
    // The sh -c parent's command line holds the marker too: sh and two sleeps. And the
    // attempt is in the database: rows are committed once per turn of the supervisor's
    // event loop, and the kill must come after the turn that started the stage (a loop
    // still busy then — a module loading, a loaded machine — has recorded nothing yet).
    const attemptRecorded = () => {
      try {
        return queryDb(state, "SELECT 1 FROM attempt_log WHERE stage = 'long'").length === 1;
      } catch {
        return false; // no database yet, or not migrated yet
      }
    };
    await waitFor(() => processesMatching(`sleep ${marker}`).length >= 3 && attemptRecorded());
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(runs()[0]).toMatchObject({ status: "running", finished_at: null });
    expect(processesMatching(`sleep ${marker}`).length).toBeGreaterThanOrEqual(3); // Node cannot take them down with it

    writeFileSync(file, `version: 1\nstages:\n  quick: { command: "true" }\n`);
    const next = await runCli(["up", "-c", file], { cwd: project.dir });
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/warning: took over the lock from pid \d+ .*which is no longer running/);
    expect(next.stderr).toMatch(/warning: run \S+ \(pid \d+\) was abandoned by its supervisor; recorded as abandoned, ended 1 process group\(s\) it left running/);
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);
    const [dead, fresh] = runs();
    expect(dead).toMatchObject({ status: "abandoned", finished_at: expect.stringMatching(ISO_MS) });
    expect(dead?.note).toContain("died during the run");
    expect(fresh).toMatchObject({ status: "ready" });
    expect(queryDb(state, "SELECT outcome FROM attempts WHERE run_id = ?", dead?.id)).toEqual([{ outcome: "abandoned" }]);
    expect(queryDb(state, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
  });
});

describe("secrets", () => {
  it("never reach the database, the logs or the output", async () => {
    const secret = "hunter2-very-secret";
    const result = await up(
      `version: 1\nsettings: { secrets: [DB_PASS_PLAIN] }\nstages:\n  leaky:\n    command: echo "using $DB_PASS_PLAIN and $SERVICE_TOKEN"\n    health: { command: "echo token=$SERVICE_TOKEN; exit 1", retries: 0, interval: 10ms }\n    retries: 0\n`,
      [],
      { DB_PASS_PLAIN: secret, SERVICE_TOKEN: `${secret}-2` },
    );
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect(queryDb(state, "SELECT detail FROM health_checks")).toEqual([{ detail: "exit code 1: token=***" }]);
    const logs = path.join(state, "logs", runs()[0]?.id as string);
    expect(readFileSync(path.join(logs, "leaky.log"), "utf8")).toContain("using *** and ***");
    for (const file of readdirSync(state).filter((f) => f.startsWith("netra.db"))) expect(readFileSync(path.join(state, file)).includes(secret)).toBe(false);
  });
});

describe("schema versions", () => {
  it("migrates an older database forward, keeping its rows", async () => {
    const { MIGRATIONS } = await import("../../src/store/migrations.js");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(state, { recursive: true });
    const db = new Database(path.join(state, "netra.db"));
    db.exec(MIGRATIONS[0] as string);
    db.pragma("user_version = 1");
    db.prepare("INSERT INTO runs (id, started_at, status, config_path, config_hash, profile, host, pid, name, command, stages_total) VALUES ('old-run', '2026-01-01T00:00:00.000Z', 'ready', '/x', 'h', NULL, 'h', 1, 'old', 'up', 0)").run();
    db.close();
    const history = await runCli(["history", "--state-dir", state, "--format", "json"], { cwd: project.dir });
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toMatchObject({ id: "old-run", status: "ready" });
    expect(queryDb(state, "PRAGMA user_version")).toEqual([{ user_version: MIGRATIONS.length }]);
    expect(queryDb(state, "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('attempts_stage', 'stage_runs_stage', 'stage_runs_recent')")).toEqual([]);
    expect(queryDb(state, "SELECT type FROM sqlite_master WHERE name IN ('attempts', 'attempt_log', 'stage_durations') ORDER BY name")).toEqual([{ type: "table" }, { type: "view" }, { type: "table" }]);
    expect(queryDb(state, "SELECT name FROM pragma_table_info('stage_runs') WHERE name = 'depends_on'")).toEqual([{ name: "depends_on" }]);
  });

  it("refuses a newer database with a clear error", async () => {
    const { MIGRATIONS } = await import("../../src/store/migrations.js");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(state, { recursive: true });
    const db = new Database(path.join(state, "netra.db"));
    db.pragma("user_version = 99");
    db.close();
    const result = await up(`version: 1\nstages:\n  a: { command: "true" }\n`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${path.join(state, "netra.db")} has schema version 99; this netra-start knows up to ${MIGRATIONS.length}`);
    expect(result.stderr).toContain("hint: upgrade netra-start, or use another --state-dir");
  });

  it("names the path and the fix for a corrupt database or an unusable state dir", async () => {
    project.write(".netra/netra.db", "this is not a database at all, just text that is long enough to be a header................".repeat(20));
    const corrupt = await up(`version: 1\nstages:\n  a: { command: "true" }\n`);
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toContain(`error: ${path.join(state, "netra.db")} is not a readable SQLite database`);
    expect(corrupt.stderr).toContain("hint: move it aside");
    const file = project.write("plain-file", "x");
    const notDir = await up(`version: 1\nstages:\n  a: { command: "true" }\n`, ["--state-dir", path.join(file, "state")]);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain(`error: the state dir ${path.join(file, "state")} cannot be created (a parent of it is a file)`);
    expect(notDir.stderr).toContain("hint: fix that, or choose another state dir with --state-dir");
  });
});
