// Teardown of services: reverse dependency order, in parallel within a level, each
// stopped as its stop_command / stop_signal / stop_grace say — seen by real processes.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { eventsOf, parseEvents } from "../helpers/events.js";
import { processesMatching } from "../helpers/processes.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-teardown-");
});
afterEach(() => project.cleanup());

// A shell service that says which signal stopped it, takes `linger` seconds to shut down,
// and is ready (log probe) only once its trap is set.
const service = (name: string, marker: string, extra: string) =>
  `  ${name}:\n    kind: service\n    command: trap 'echo "${name} got INT" >> signals.log; sleep 0.4; exit 0' INT; trap 'echo "${name} got TERM" >> signals.log; sleep 0.4; exit 0' TERM; echo ready; while true; do sleep 0.0${marker}; done\n    health: { log: "^ready$", interval: 20ms, retries: 200 }\n${extra}`;

describe("teardown", () => {
  it("stops one level in parallel and the levels in reverse dependency order; stop_command and stop_signal reach the service", async () => {
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n${service("db", "31", "")}${service("api", "32", `    depends_on: [db]\n    stop_signal: SIGINT\n    stop_command: echo "stop-command api $NETRA_SERVICE_PID" >> signals.log\n`)}${service("worker", "33", "    depends_on: [db]\n    stop_signal: SIGINT\n")}`,
    );
    const result = await runCli(["up", "-c", file, "--output", "json", "--check"], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const events = parseEvents(result.stdout);
    const lines = readFileSync(path.join(project.dir, "signals.log"), "utf8").trim().split("\n");
    const apiPid = eventsOf(events, "process-started", "api").find((e) => e.role === "stage")!.pgid;
    // The stop command ran first and knew the service's pid; then the signal each asked for.
    expect(lines).toContain(`stop-command api ${apiPid}`);
    expect(lines.indexOf(`stop-command api ${apiPid}`)).toBeLessThan(lines.indexOf("api got INT"));
    expect(lines).toEqual(expect.arrayContaining(["worker got INT", "db got TERM"]));
    expect(lines.at(-1)).toBe("db got TERM");

    const span = (stage: string) => {
      const e = eventsOf(events, "rollback-stage", stage)[0]!;
      const end = Date.parse(e.at);
      return { start: end - e.durationMs, end };
    };
    const [api, worker, db] = [span("api"), span("worker"), span("db")];
    // Each takes 0.4 s to stop: api and worker overlap (one level at once), db waits for both.
    expect(api.start).toBeLessThan(worker.end);
    expect(worker.start).toBeLessThan(api.end);
    expect(db.start).toBeGreaterThanOrEqual(Math.max(api.end, worker.end));
    expect(processesMatching("sleep 0.03")).toEqual([]);
  });

  it("stop_grace bounds a service that ignores its stop signal, whatever kill_timeout says", async () => {
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n  stubborn:\n    kind: service\n    command: trap '' TERM; echo ready; while true; do sleep 0.034; done\n    health: { log: "^ready$", interval: 20ms, retries: 200 }\n    kill_timeout: 20s\n    stop_grace: 300ms\n`,
    );
    const result = await runCli(["up", "-c", file, "--output", "json", "--check"], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const stop = eventsOf(parseEvents(result.stdout), "rollback-stage", "stubborn")[0]!;
    expect(stop.durationMs).toBeGreaterThanOrEqual(300);
    expect(stop.durationMs).toBeLessThan(5000);
    expect(processesMatching("sleep 0.034")).toEqual([]);
  });

  it("stop_signal on a task is a config error", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  t:\n    command: "true"\n    stop_signal: SIGINT\n`);
    const result = await runCli(["validate", "-c", file], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain("startup.yaml:5:5 stages.t.stop_signal: stop_signal applies only to services (remove stop_signal, or set kind: service)");
  });
});
