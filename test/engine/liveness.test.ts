// After ready a service goes on being probed; failing its liveness checks it is stopped
// and restarted like a service that exits, and dependents wait through the restart.
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { eventsOf, finished, parseEvents } from "../helpers/events.js";
import { freePort, portInUse } from "../helpers/ports.js";
import { processesMatching } from "../helpers/processes.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-live-");
});
afterEach(() => project.cleanup());

const SERVICE = path.join(ROOT, "fixtures", "bin", "service.mjs");
// Other test files start the same fixture at the same time: each run here has its own label.
let runs = 0;
const label = () => `live-${process.pid}-${++runs}`;

describe("liveness after ready", () => {
  it("a service that turns unhealthy is stopped and restarted; a dependent waits through it; report and timeline show it", async () => {
    const port = await freePort();
    const once = path.join(project.dir, "sick-once");
    const url = `http://127.0.0.1:${port}/health`;
    const name = label();
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n  api:\n    kind: service\n    command: node ${SERVICE} ${name}\n    env: { PORT: "${port}", SICK_AFTER_REQUESTS: "3", CRASH_ONCE_FILE: "${once}" }\n    health: { http: "${url}", interval: 30ms, retries: 50 }\n    liveness: { http: "${url}", interval: 40ms, retries: 2 }\n    backoff: { initial: 800ms, jitter: false }\n  slow:\n    command: until test -s ${once}; do sleep 0.02; done; while kill -0 $(cat ${once}) 2>/dev/null; do sleep 0.02; done\n  needs-api:\n    depends_on: [api, slow]\n    command: [node, -e, "fetch('${url}').then(r => process.exit(r.ok ? 0 : 1))"]\n    retries: 0\n`,
    );
    const result = await runCli(["up", "-c", file, "--output", "json", "--check"], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const events = parseEvents(result.stdout);
    const unhealthy = eventsOf(events, "service-unhealthy", "api");
    expect(unhealthy).toHaveLength(1);
    expect(unhealthy[0]).toMatchObject({ attempt: 1, failures: 2, detail: "HTTP 503", restarting: true, delayMs: 800 });
    // Two failed liveness checks in a row, reported as health checks (and so recorded).
    const ready = Date.parse(eventsOf(events, "stage-ready", "api")[0]!.at);
    const sickAt = Date.parse(unhealthy[0]!.at);
    const afterReady = eventsOf(events, "health-check", "api").filter((c) => Date.parse(c.at) > ready && Date.parse(c.at) <= sickAt);
    expect(afterReady.filter((c) => !c.ok).map((c) => [c.check, c.maxChecks])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    // The sick process was stopped before its replacement started (it holds the port).
    const starts = eventsOf(events, "process-started", "api").filter((e) => e.role === "stage");
    expect(starts).toHaveLength(2);
    expect(Date.parse(starts[1]!.at)).toBeGreaterThan(Date.parse(unhealthy[0]!.at));
    const restarted = eventsOf(events, "service-restarted", "api")[0]!;
    // `slow` ends once the sick process is gone, while api waits out its 800 ms backoff:
    // only waiting for the restart makes needs-api pass.
    expect(Date.parse(eventsOf(events, "stage-started", "needs-api")[0]!.at)).toBeGreaterThanOrEqual(Date.parse(restarted.at));
    expect(finished(events).results.find((r) => r.name === "needs-api")).toMatchObject({ status: "ready" });

    const stateDir = path.join(project.dir, ".netra");
    expect(queryDb(stateDir, "SELECT attempt, outcome, error FROM attempts WHERE stage = 'api' ORDER BY attempt")).toEqual([
      { attempt: 1, outcome: "unhealthy", error: "unhealthy: 2 failed liveness checks: HTTP 503" },
      { attempt: 2, outcome: "ok", error: null },
    ]);
    expect(queryDb(stateDir, "SELECT COUNT(*) AS n FROM health_checks WHERE stage = 'api' AND ok = 0 AND detail = 'HTTP 503'")).toEqual([{ n: 2 }]);
    const report = await runCli(["report", "--state-dir", stateDir], { cwd: project.dir });
    expect(report.stdout).toContain("api #1: unhealthy: 2 failed liveness checks: HTTP 503");
    const html = await runCli(["report", "--format", "html", "--state-dir", stateDir], { cwd: project.dir });
    expect(html.stdout).toContain("api attempt 1: unhealthy: 2 failed liveness checks: HTTP 503");
    expect(await portInUse(port)).toBe(false);
    expect(processesMatching(`${SERVICE} ${name}`)).toEqual([]);
  });

  it("restart: no — an unhealthy critical service is stopped and lost, the run fails", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/health`;
    const name = label();
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n  api:\n    kind: service\n    command: node ${SERVICE} ${name}\n    env: { PORT: "${port}", SICK_AFTER_REQUESTS: "2" }\n    health: { http: "${url}", interval: 30ms, retries: 50 }\n    liveness: { http: "${url}", interval: 30ms, retries: 1 }\n    restart: "no"\n`,
    );
    const result = await runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir });
    expect(result.code).toBe(1);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "service-lost", "api")[0]).toMatchObject({ critical: true, error: "service unhealthy (1 failed liveness check: HTTP 503); stopped and not restarted (restart: no)" });
    expect(await portInUse(port)).toBe(false);
    expect(processesMatching(`${SERVICE} ${name}`)).toEqual([]);
  });

  it("a log probe cannot be a liveness probe: validate says so, exit 2", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  api:\n    kind: service\n    command: sleep 1\n    liveness: { log: ready }\n`);
    const result = await runCli(["validate", "-c", file], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain("startup.yaml:6:17 stages.api.liveness.log: a log probe cannot tell that a ready service died");
  });
});
