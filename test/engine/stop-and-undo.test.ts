// Stopping is not undoing (the contract): Ctrl-C, `up --check` and a plain `down` stop
// services and keep what init stages did; only the rollback of a failed run and
// `down --undo` run a stage's `cleanup` — which, in the shop example, drops the tables.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { processesMatching, waitFor } from "../helpers/processes.js";

let project: TempProject;
let state: string;
beforeEach(() => {
  project = tempProject("netra-undo-");
  state = path.join(project.dir, ".netra");
});
afterEach(() => project.cleanup());

const undone = () => (existsSync(path.join(project.dir, "undo")) ? readFileSync(path.join(project.dir, "undo"), "utf8") : "");
const graph = (marker: string, tail = "") => `version: 1
stages:
  migrate: { command: "true", cleanup: "echo migrate >> undo" }
  api: { kind: service, command: "sleep 311${marker}", depends_on: [migrate], cleanup: "echo api >> undo" }
${tail}`;

it("Ctrl-C while services run: services stop, no cleanup runs; down --undo runs them later, newest first", async () => {
  const marker = `${process.pid % 1000}`;
  const file = project.write("startup.yaml", graph(marker));
  let pid = 0;
  let seen = "";
  const running = runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir, onSpawn: (p) => (pid = p), onStdout: (text) => (seen = text) });
  await waitFor(() => seen.includes("press Ctrl-C to stop"));
  process.kill(pid, "SIGINT");
  const result = await running;
  expect(result.code).toBe(130);
  expect(result.stdout).toContain("stopping (teardown): api");
  expect(result.stdout).toMatch(/\[api\] stop ok/);
  expect(undone()).toBe("");
  expect(processesMatching(`sleep 311${marker}`)).toEqual([]);
  expect(queryDb(state, "SELECT stage, reason, action, status FROM rollbacks")).toEqual([{ stage: "api", reason: "teardown", action: "stopped", status: "ok" }]);

  const undo = await runCli(["down", "--undo", "-c", file, "--output", "plain"], { cwd: project.dir });
  expect(undo.code, undo.stdout + undo.stderr).toBe(0);
  expect(undone()).toBe("api\nmigrate\n");
  expect(queryDb(state, "SELECT stage, reason, action FROM rollbacks WHERE reason = 'down' ORDER BY seq")).toEqual([
    { stage: "api", reason: "down", action: "undone" },
    { stage: "migrate", reason: "down", action: "undone" },
  ]);
});

it("Ctrl-C while an init stage runs: what completed keeps its data", async () => {
  const file = project.write("startup.yaml", `version: 1\nstages:\n  migrate: { command: "true", cleanup: "echo migrate >> undo" }\n  seed: { command: "touch seeding; sleep 30", depends_on: [migrate], cleanup: "echo seed >> undo" }\n`);
  let pid = 0;
  const running = runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir, onSpawn: (p) => (pid = p) });
  await waitFor(() => existsSync(path.join(project.dir, "seeding")));
  process.kill(pid, "SIGINT");
  const result = await running;
  expect(result.code).toBe(130);
  expect(result.stdout).toContain("stopping (interrupt): nothing to stop");
  expect(undone()).toBe("");
});

it("up --check brings everything up, stops it, and undoes nothing", async () => {
  const marker = `${(process.pid % 1000) + 1}`;
  const file = project.write("startup.yaml", graph(marker));
  const result = await runCli(["up", "--check", "-c", file, "--output", "plain"], { cwd: project.dir });
  expect(result.code, result.stdout).toBe(0);
  expect(result.stdout).toContain("stopping (teardown): api");
  expect(undone()).toBe("");
  expect(processesMatching(`sleep 311${marker}`)).toEqual([]);
});

it("a failed run is rolled back: cleanups run, newest first", async () => {
  const marker = `${(process.pid % 1000) + 2}`;
  const file = project.write("startup.yaml", graph(marker, `  smoke: { command: "exit 1", depends_on: [api], retries: 0 }\n`));
  const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
  expect(result.code).toBe(1);
  expect(result.stdout).toContain("rollback (failure): api, migrate");
  expect(undone()).toBe("api\nmigrate\n");
  expect(queryDb(state, "SELECT stage, action FROM rollbacks ORDER BY seq")).toEqual([
    { stage: "api", action: "undone" },
    { stage: "migrate", action: "undone" },
  ]);
  // Nothing left to undo.
  const again = await runCli(["down", "--undo", "-c", file, "--output", "plain"], { cwd: project.dir });
  expect(again.stdout).toContain("rollback (down): nothing to undo");
  expect(undone()).toBe("api\nmigrate\n");
});
