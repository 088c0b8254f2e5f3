// Rows are written as events happen: a supervisor killed with SIGKILL in the middle of a
// run leaves rows that say which stages were ready, and `down` undoes exactly those.
// A bug anywhere in `up` still tears everything down, records the run and exits 70.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { parseEvents } from "../helpers/events.js";
import { processesMatching, waitFor } from "../helpers/processes.js";

let project: TempProject;
let state: string;
beforeEach(() => {
  project = tempProject("netra-live-rows-");
  state = path.join(project.dir, ".netra");
});
afterEach(() => project.cleanup());

it("kill -9 mid-run: rows say which stages were ready; down ends what was left, down --undo runs the cleanups of exactly those stages", async () => {
  const marker = `${process.pid % 1000}${Date.now() % 1000}`;
  const file = project.write(
    "startup.yaml",
    `version: 1
stages:
  a: { command: "true", cleanup: "echo a >> undo" }
  b: { command: "true", depends_on: [a], cleanup: "echo b >> undo" }
  svc: { kind: service, command: "sleep 301${marker}", depends_on: [b] }
  long: { command: "sleep 302${marker}", depends_on: [b], cleanup: "echo long >> undo" }
  never: { command: "true", depends_on: [long], cleanup: "echo never >> undo" }
`,
  );
  let pid = 0;
  let seen = "";
  const running = runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir, onSpawn: (p) => (pid = p), onStdout: (text) => (seen = text) });
  // Killed the moment everything that can be ready is: no time for a final write.
  await waitFor(() => parseEvents(seen.slice(0, seen.lastIndexOf("\n") + 1)).some((e) => e.type === "stage-ready" && e.stage === "svc") && processesMatching(`sleep 302${marker}`).length > 0);
  process.kill(pid, "SIGKILL");
  await running;

  expect(queryDb(state, "SELECT stage, status FROM stage_runs ORDER BY position")).toEqual([
    { stage: "a", status: "ready" },
    { stage: "b", status: "ready" },
    { stage: "svc", status: "ready" },
  ]);
  expect(queryDb(state, "SELECT status FROM runs")).toEqual([{ status: "running" }]);
  expect(processesMatching(marker).filter((p) => /^\d+: sleep 30[12]/.test(p))).toHaveLength(2);

  const down = await runCli(["down", "-c", file, "--output", "plain"], { cwd: project.dir });
  expect(down.code, down.stderr + down.stdout).toBe(0);
  expect(down.stderr).toMatch(/run \S+ \(pid \d+\) was abandoned by its supervisor; recorded as abandoned, ended 2 process group\(s\)/);
  expect(processesMatching(marker).filter((p) => /sleep 30[12]/.test(p))).toEqual([]);
  // Stopping is not undoing: a plain down keeps what a and b did, and says how to undo it.
  expect(existsSync(path.join(project.dir, "undo"))).toBe(false);
  expect(down.stdout).toContain("kept what a, b did: `netra-start down --undo` runs their cleanups");
  expect(queryDb(state, "SELECT status FROM runs")).toEqual([{ status: "abandoned" }]);

  const undo = await runCli(["down", "--undo", "-c", file, "--output", "plain"], { cwd: project.dir });
  expect(undo.code, undo.stderr + undo.stdout).toBe(0);
  expect(readFileSync(path.join(project.dir, "undo"), "utf8")).toBe("b\na\n");
  expect(queryDb(state, "SELECT stage, seq, reason, action, status FROM rollbacks ORDER BY seq")).toEqual([
    { stage: "b", seq: 1, reason: "down", action: "undone", status: "ok" },
    { stage: "a", seq: 2, reason: "down", action: "undone", status: "ok" },
  ]);
  // Undone once: a second down --undo has nothing left to clean up.
  const again = await runCli(["down", "--undo", "-c", file, "--output", "plain"], { cwd: project.dir });
  expect(again.stdout).toContain("rollback (down): nothing to undo");
  expect(readFileSync(path.join(project.dir, "undo"), "utf8")).toBe("b\na\n");
});

it("a bug during up: the message says so, services are torn down, the lock is released, the run is recorded as failed, exit 70", async () => {
  const marker = `sleep 303${process.pid % 1000}`;
  const file = project.write("startup.yaml", `version: 1\nstages:\n  svc: { kind: service, command: "${marker}" }\n  a: { command: "true", depends_on: [svc] }\n  b: { command: "sleep 5", depends_on: [a] }\n`);
  const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir, env: { NETRA_START_FAULT: "stage-ready:a" } });
  expect(result.code, result.stdout + result.stderr).toBe(70);
  expect(result.stderr).toContain("internal error: injected fault after stage-ready");
  expect(result.stderr).toContain("This is a bug in netra-start");
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toContain("rollback (failure): svc");
  const [run] = queryDb(state, "SELECT status, exit_code, note FROM runs");
  expect(run).toMatchObject({ status: "failed", exit_code: 70, note: expect.stringContaining("internal error: injected fault after stage-ready") });
  expect(queryDb(state, "SELECT stage, status FROM stage_runs ORDER BY position")).toEqual([
    { stage: "svc", status: "ready" },
    { stage: "a", status: "ready" },
    { stage: "b", status: "skipped" },
  ]);
  expect(queryDb(state, "SELECT COUNT(*) AS n FROM lock")).toEqual([{ n: 0 }]);
  expect(processesMatching(marker)).toEqual([]);
});

it("a bug in the teardown itself: services still stopped, run recorded as failed, exit 70", async () => {
  const marker = `sleep 304${process.pid % 1000}`;
  const file = project.write("startup.yaml", `version: 1\nstages:\n  svc: { kind: service, command: "${marker}" }\n  a: { command: "true", depends_on: [svc] }\n`);
  const result = await runCli(["up", "-c", file, "--check", "--output", "plain"], { cwd: project.dir, env: { NETRA_START_FAULT: "rollback-started" } });
  expect(result.code, result.stdout + result.stderr).toBe(70);
  expect(result.stdout).toContain("internal error: injected fault after rollback-started — this is a bug in netra-start");
  expect(queryDb(state, "SELECT status, exit_code FROM runs")).toEqual([{ status: "failed", exit_code: 70 }]);
  expect(queryDb(state, "SELECT COUNT(*) AS n FROM lock")).toEqual([{ n: 0 }]);
  expect(processesMatching(marker)).toEqual([]);
});

it.each([
  ["SIGTERM", 143],
  ["SIGINT", 130],
] as const)("%s during down --undo: the cleanup under way is ended, the rest skipped, all recorded, lock released, exit %i", async (signal, code) => {
  const marker = `sleep 305${process.pid % 1000}`;
  const file = project.write("startup.yaml", `version: 1\nstages:\n  a: { command: "true", cleanup: "echo a >> undo" }\n  b: { command: "true", depends_on: [a], cleanup: "touch cleaning; ${marker}" }\n`);
  expect((await runCli(["up", "-c", file], { cwd: project.dir })).code).toBe(0);
  let pid = 0;
  const down = runCli(["down", "--undo", "-c", file, "--output", "plain"], { cwd: project.dir, onSpawn: (p) => (pid = p) });
  await waitFor(() => processesMatching(marker).length > 0);
  process.kill(pid, signal);
  const result = await down;
  expect(result.code, result.stdout + result.stderr).toBe(code);
  expect(processesMatching(marker)).toEqual([]);
  expect(queryDb(state, "SELECT stage, status, error FROM rollbacks ORDER BY seq")).toEqual([
    { stage: "b", status: "failed", error: "cleanup cancelled: interrupted" },
    { stage: "a", status: "skipped", error: null },
  ]);
  expect(queryDb(state, "SELECT COUNT(*) AS n FROM lock")).toEqual([{ n: 0 }]);
});
