// What an adversary found in the redesign, each a test that failed before its fix.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb, stageLogOf } from "../helpers/db.js";
import { parseEvents } from "../helpers/events.js";
import { processesMatching } from "../helpers/processes.js";

let project: TempProject;
let state: string;
beforeEach(() => {
  project = tempProject("netra-hostile-");
  state = path.join(project.dir, ".netra");
});
afterEach(() => project.cleanup());

const up = (config: string, args: string[] = [], env: Record<string, string | undefined> = {}) => {
  const file = project.write("startup.yaml", config);
  return runCli(["up", "-c", file, "--output", "plain", ...args], { cwd: project.dir, env });
};
const logOf = (stage: string) => stageLogOf(state, stage);

describe.each(["posix_spawn", "child_process"])("a daemon that keeps the stage's output pipe open (%s)", (spawner) => {
  it("does not hold up the stage: its attempt ends with its process, and the log says who held the pipe", async () => {
    const marker = `sleep 61${process.pid % 1000}`;
    const result = await up(`version: 1\nstages:\n  d: { command: "setsid sh -c '${marker}' & sleep 0.1; echo started", timeout: 20s, retries: 0 }\n  e: { command: "true", depends_on: [d] }\n`, [], { NETRA_SPAWN: spawner === "child_process" ? "child_process" : undefined });
    try {
      expect(result.code, result.stdout).toBe(0);
      expect(logOf("d")).toMatch(new RegExp(`output pipe still held open after the stage's process exited by pid \\d+ \\((sh -c )?${marker}\\)`));
    } finally {
      for (const p of processesMatching(marker)) process.kill(Number(p.split(":")[0]), "SIGKILL");
    }
  });
});

// A daemon holding the stage's output while its process group is being ended (by a
// timeout, or by a signal to `up`) must not keep `up` waiting: it ends within
// kill_timeout + 1 s, on both ways of starting processes.
describe.each(["posix_spawn", "child_process"])("a stage that ignores SIGTERM and leaves a daemon holding its output (%s)", (spawner) => {
  const env = { NETRA_SPAWN: spawner === "child_process" ? "child_process" : undefined };
  const marker = `sleep 62${process.pid % 1000}`;
  const graph = `version: 1\nstages:\n  d: { command: "trap '' TERM; setsid sh -c '${marker}' & echo started; while :; do sleep 0.05; done", timeout: 1s, kill_timeout: 1s, retries: 0 }\n`;
  const killDaemon = () => {
    for (const p of processesMatching(marker)) process.kill(Number(p.split(":")[0]), "SIGKILL");
  };

  it("times out: up ends within timeout + kill_timeout + 1 s of the stage's start", async () => {
    const file = project.write("startup.yaml", graph);
    let startedAt = 0;
    try {
      const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir, env, onStdout: (text) => (startedAt ||= text.includes("[d] started") ? Date.now() : 0) });
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toContain("[d] attempt 1/1 failed: timed out after 1s");
      expect(Date.now() - startedAt).toBeLessThan(1000 + 1000 + 1000);
    } finally {
      killDaemon();
    }
  });

  it.each(["SIGINT", "SIGTERM"] as const)("%s to up: it ends within kill_timeout + 1 s of the signal", async (signal) => {
    const file = project.write("startup.yaml", graph.replace("timeout: 1s", "timeout: 60s"));
    let pid = 0;
    let signalledAt = 0;
    try {
      const result = await runCli(["up", "-c", file, "--output", "plain"], {
        cwd: project.dir,
        env,
        onSpawn: (p) => (pid = p),
        onStdout: (text) => {
          if (signalledAt === 0 && text.includes("[d] started")) {
            signalledAt = Date.now();
            process.kill(pid, signal);
          }
        },
      });
      expect(result.code, `${result.signal} ${result.stdout}${result.stderr}`).toBe(signal === "SIGINT" ? 130 : 143);
      expect(Date.now() - signalledAt).toBeLessThan(1000 + 1000);
    } finally {
      killDaemon();
    }
  });
});

it("the last service, non-critical, stops: the run ends degraded (exit 3), recorded, lock released — not Node's exit 13", async () => {
  const result = await up(`version: 1\nstages:\n  s: { kind: service, command: "sleep 0.5", priority: low, restart: "no" }\n`);
  expect(result.code, result.stdout + result.stderr).toBe(3);
  expect(result.stdout).toContain("[s] lost (non-critical)");
  expect(queryDb(state, "SELECT status, exit_code FROM runs")).toEqual([{ status: "degraded", exit_code: 3 }]);
  expect(queryDb(state, "SELECT COUNT(*) AS n FROM lock")).toEqual([{ n: 0 }]);
});

it("a secret equal to a status word and to a stage's name masks text, never the run's structure", async () => {
  const result = await up(
    `version: 1\nstages:\n  postgres: { command: "echo postgres is ready", cleanup: "true" }\n  api: { kind: service, depends_on: [postgres], command: "sleep 30" }\n`,
    ["--check", "--output", "json"],
    { POSTGRES_PASSWORD: "postgres", API_TOKEN: "ready", OTHER_TOKEN: "teardown" },
  );
  expect(result.code, result.stderr).toBe(0);
  const events = parseEvents(result.stdout);
  expect(events.map((e) => e.type)).toContain("stage-ready");
  expect(events.find((e) => e.type === "rollback-started")).toMatchObject({ reason: "teardown", undo: false, stages: ["api"] });
  expect(queryDb(state, "SELECT stage, status FROM stage_runs ORDER BY position")).toEqual([
    { stage: "postgres", status: "ready" },
    { stage: "api", status: "ready" },
  ]);
  expect(queryDb(state, "SELECT status FROM runs")).toEqual([{ status: "ready" }]);
  expect(logOf("postgres")).toContain("*** is ***");
  const down = await runCli(["down", "--undo", "-c", path.join(project.dir, "startup.yaml")], { cwd: project.dir, env: { POSTGRES_PASSWORD: "postgres" } });
  expect(down.stderr).not.toContain("no longer in the config");
});

it("a failing stage that wrote a secret output: its tail, its log, its outputs file, JUnit and the step summary never show it", async () => {
  const secret = "pw-4343-leak";
  const summary = path.join(project.dir, "summary.md");
  const junit = path.join(project.dir, "junit.xml");
  const result = await up(`version: 1\nstages:\n  a: { command: "echo DB_PASSWORD=${secret} >> $NETRA_OUTPUT; echo connecting with ${secret}; exit 1", retries: 0 }\n`, ["--junit", junit], {
    GITHUB_ACTIONS: "true",
    GITHUB_STEP_SUMMARY: summary,
  });
  expect(result.code).toBe(1);
  expect(result.stdout).toContain("connecting with ***");
  for (const text of [result.stdout, logOf("a"), readFileSync(summary, "utf8"), readFileSync(junit, "utf8")]) expect(text).not.toContain(secret);
  const outputs = path.join(state, "logs", readdirSync(path.join(state, "logs"))[0] as string, "outputs", "a.env");
  expect(readFileSync(outputs, "utf8")).toBe("DB_PASSWORD=***\n");
});

it("an unwritable --junit path is a usage error before anything runs (exit 2)", async () => {
  const result = await up(`version: 1\nstages:\n  a: { command: "touch ran" }\n`, ["--junit", path.join(project.dir, "missing", "dir", "j.xml")]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--junit .*j\.xml: cannot write in .*missing\/dir/);
  const dir = await up(`version: 1\nstages:\n  a: { command: "touch ran" }\n`, ["--junit", project.dir]);
  expect(dir.code).toBe(2);
  expect(dir.stderr).toContain("is a directory");
  expect(readdirSync(project.dir)).not.toContain("ran");
});

it("a critical service lost to a crash loop stays failed in the record after the rollback", async () => {
  const result = await up(`version: 1\nstages:\n  s: { kind: service, command: "sleep 0.3; exit 1", restart: always, backoff: { initial: 10ms, jitter: false }, circuit_breaker: { threshold: 2 } }\n  t: { command: "true", depends_on: [s] }\n`);
  expect(result.code, result.stdout).toBe(1);
  expect(queryDb(state, "SELECT stage, status FROM stage_runs ORDER BY position")).toEqual([
    { stage: "s", status: "failed" },
    { stage: "t", status: "ready" },
  ]);
  expect(result.stdout).toMatch(/^s\s+✖ failed/m);
});
