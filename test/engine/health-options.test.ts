// health.success_threshold, health.initial_delay and a `log` probe that reads only the
// current attempt's output, against real processes through the built CLI.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { eventsOf, finished, parseEvents } from "../helpers/events.js";
import path from "node:path";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-health-");
});
afterEach(() => project.cleanup());

const up = (config: string, args: string[] = []) => {
  const file = project.write("startup.yaml", config);
  return runCli(["up", "-c", file, "--output", "json", ...args], { cwd: project.dir });
};

describe("health.success_threshold", () => {
  it("is ready only after that many passing probes in a row; a failure in between starts the count over", async () => {
    // The probe counts its calls in a file and fails its 2nd call only: pass, fail, pass, pass, pass.
    const probe = `n=$(cat calls 2>/dev/null || echo 0); n=$((n+1)); echo $n > calls; [ $n -ne 2 ]`;
    const result = await up(`version: 1\nstages:\n  api:\n    command: "true"\n    health:\n      command: '${probe}'\n      interval: 20ms\n      retries: 5\n      success_threshold: 3\n`);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const checks = eventsOf(parseEvents(result.stdout), "health-check", "api");
    expect(checks.map((c) => c.ok)).toEqual([true, false, true, true, true]);
    expect(checks.at(-1)?.detail).toBe("exit code 0 (3 of 3 passes in a row)");
    expect(queryDb(path.join(project.dir, ".netra"), "SELECT count(*) AS n FROM health_checks WHERE stage = 'api'")).toEqual([{ n: 5 }]);
  });

  it("out of range is a config error at its line", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  api:\n    command: "true"\n    health: { command: "true", success_threshold: 0 }\n`);
    const result = await runCli(["validate", "-c", file], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("startup.yaml:5:51 stages.api.health.success_threshold: must be >= 1, got a whole number 0 (use a whole number from 1 to 1000)");
  });
});

describe("health.initial_delay", () => {
  it("no probe runs before the delay has passed", async () => {
    const result = await up(`version: 1\nstages:\n  api:\n    kind: service\n    command: sleep 30\n    health: { command: "true", initial_delay: 700ms }\n`, ["--check"]);
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    const started = Date.parse(eventsOf(events, "stage-started", "api")[0]!.at);
    const firstCheck = Date.parse(eventsOf(events, "health-check", "api")[0]!.at);
    expect(firstCheck - started).toBeGreaterThanOrEqual(700);
  });

  it("a service that exits during the delay fails at once, not when the delay ends", async () => {
    const t0 = Date.now();
    const result = await up(`version: 1\nstages:\n  api:\n    kind: service\n    command: exit 3\n    retries: 0\n    health: { command: "true", initial_delay: 20s }\n`);
    expect(result.code).toBe(1);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "stage-failed", "api")[0]?.error).toBe("exited before it was ready (exit code 3)");
    expect(eventsOf(events, "health-check", "api")).toEqual([]);
    expect(finished(events).durationMs).toBeLessThan(10_000);
    // …and the 20 s timer does not keep netra-start itself running after the run.
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});

describe("health.log reads the current attempt only", () => {
  it("a task: attempt 1 prints the ready line and fails; attempt 2 is not ready from that line", async () => {
    const result = await up(
      `version: 1\nstages:\n  db:\n    command: 'if [ "$NETRA_ATTEMPT" = 1 ]; then echo database is READY; exit 1; fi; echo starting'\n    retries: 1\n    backoff: { initial: 10ms, jitter: false }\n    health: { log: READY, interval: 20ms, retries: 2 }\n`,
    );
    expect(result.code).toBe(1);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "health-check", "db").map((c) => c.ok)).toEqual([false, false, false]);
    expect(eventsOf(events, "stage-failed", "db")[0]?.error).toBe("health check never passed after 3 checks: no output line matches /READY/ yet");
  });

  it("a service: attempt 1 prints the ready line and exits; attempt 2, silent, never becomes ready", async () => {
    const result = await up(
      `version: 1\nstages:\n  db:\n    kind: service\n    command: 'if [ "$NETRA_ATTEMPT" = 1 ]; then echo database is READY; exit 1; fi; echo starting; sleep 30'\n    retries: 1\n    backoff: { initial: 10ms, jitter: false }\n    health: { log: READY, initial_delay: 300ms, interval: 20ms, retries: 2 }\n`,
    );
    expect(result.code).toBe(1);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "attempt-failed", "db")[0]?.error).toBe("exited before it was ready (exit code 1)");
    expect(eventsOf(events, "health-check", "db").map((c) => c.ok)).toEqual([false, false, false]);
    expect(eventsOf(events, "stage-ready", "db")).toEqual([]);
  });
});
