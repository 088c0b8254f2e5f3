// Health probes against real servers on 127.0.0.1, and supervised services.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { eventsOf, finished, parseEvents } from "../helpers/events.js";
import { freePort, portInUse } from "../helpers/ports.js";
import { processesMatching, waitFor } from "../helpers/processes.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-svc-");
});
afterEach(() => project.cleanup());

const SERVICE = path.join(ROOT, "fixtures", "bin", "service.mjs");
const service = (name: string, port: number, extra = "", env: Record<string, string | number> = {}) =>
  `  ${name}:\n    kind: service\n    command: node ${SERVICE} ${name}\n    env: { PORT: "${port}"${Object.entries(env)
    .map(([k, v]) => `, ${k}: "${v}"`)
    .join("")} }\n${extra}`;
const up = (config: string, args: string[] = []) => {
  const file = project.write("startup.yaml", config);
  return runCli(["up", "-c", file, "--output", "json", ...args], { cwd: project.dir });
};

describe("health probes", () => {
  it("http: dependents start only once the service answers; --check tears it down and frees the port", async () => {
    const port = await freePort();
    const result = await up(
      `version: 1\nstages:\n${service("api", port, `    health: { http: "http://127.0.0.1:${port}/health", interval: 50ms, retries: 40 }\n`, { LISTEN_DELAY_MS: 300 })}  smoke:\n    depends_on: [api]\n    command: [node, -e, "fetch('http://127.0.0.1:${port}/health').then(r => process.exit(r.ok ? 0 : 1))"]\n`,
      ["--check"],
    );
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    const checks = eventsOf(events, "health-check", "api");
    expect(checks.at(-1)).toMatchObject({ ok: true, detail: "HTTP 200" });
    expect(checks[0]?.detail).toBe(`ECONNREFUSED 127.0.0.1:${port}`);
    const healthyAt = Date.parse(checks.at(-1)!.at);
    expect(Date.parse(eventsOf(events, "stage-started", "smoke")[0]!.at)).toBeGreaterThanOrEqual(healthyAt);
    expect(eventsOf(events, "rollback-started")[0]).toMatchObject({ reason: "teardown", stages: ["api"] });
    expect(await portInUse(port)).toBe(false);
    expect(processesMatching(`${SERVICE} api`)).toEqual([]);
  });

  it("http: a probe that never passes fails the attempt with what it saw; body_contains and status are checked", async () => {
    const port = await freePort();
    const result = await up(
      `version: 1\nstages:\n${service("api", port, `    retries: 0\n    health: { http: "http://127.0.0.1:${port}/health", interval: 30ms, retries: 3, start_period: 1s }\n`, { STATUS: 503 })}`,
    );
    expect(result.code).toBe(1);
    // Probes during start_period are counted in the message, not against `retries`.
    expect(eventsOf(parseEvents(result.stdout), "stage-failed")[0]?.error).toMatch(/^health check never passed after \d+ checks: HTTP 503$/);
    expect(await portInUse(port)).toBe(false);

    const port2 = await freePort();
    const body = await up(
      `version: 1\nstages:\n${service("api", port2, `    retries: 0\n    health: { http: { url: "http://127.0.0.1:${port2}/health", status: [200], body_contains: "all good" }, interval: 30ms, retries: 1, start_period: 1s }\n`)}`,
    );
    expect(eventsOf(parseEvents(body.stdout), "stage-failed")[0]?.error).toMatch(/^health check never passed after \d+ checks: HTTP 200, body lacks "all good"$/);
  });

  it("http: a slow answer counts as a failure after the probe timeout", async () => {
    const port = await freePort();
    const result = await up(
      `version: 1\nstages:\n${service("api", port, `    retries: 0\n    health: { http: "http://127.0.0.1:${port}/health", timeout: 150ms, interval: 20ms, retries: 1, start_period: 1s }\n`, { RESPONSE_DELAY_MS: 2000 })}`,
    );
    expect(eventsOf(parseEvents(result.stdout), "stage-failed")[0]?.error).toMatch(/^health check never passed after \d+ checks: no answer within 150ms$/);
  });

  it("start_period: failures while the service boots do not count", async () => {
    const port = await freePort();
    const config = (startPeriod: string) =>
      `version: 1\nstages:\n${service("api", port, `    retries: 0\n    health: { tcp: "127.0.0.1:${port}", interval: 50ms, retries: 1, start_period: ${startPeriod} }\n`, { LISTEN_DELAY_MS: 600 })}`;
    expect((await up(config("0s"))).code).toBe(1);
    const patient = await up(config("2s"), ["--check"]);
    expect(patient.code).toBe(0);
    const checks = eventsOf(parseEvents(patient.stdout), "health-check", "api");
    expect(checks.length).toBeGreaterThan(3);
    expect(checks.at(-1)).toMatchObject({ ok: true, detail: `connected to 127.0.0.1:${port}` });
  });

  it("log: ready when an output line matches; command: ready when it exits 0", async () => {
    const port = await freePort();
    const result = await up(
      `version: 1\nstages:\n${service("db", port, `    health: { log: "ready to accept connections", interval: 50ms, retries: 200 }\n`, { LISTEN_DELAY_MS: 200, READY_LINE: "database system is ready to accept connections" })}  task:\n    command: touch made\n    health: { command: test -f made, interval: 20ms, retries: 200 }\n`,
      ["--check"],
    );
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "health-check", "db").at(-1)).toMatchObject({ ok: true, detail: "output matched /ready to accept connections/" });
    expect(eventsOf(events, "health-check", "task")).toMatchObject([{ ok: true, detail: "exit code 0" }]);
    expect(eventsOf(events, "service-output", "db").map((e) => e.line)).toContain("database system is ready to accept connections");
  });

  it("a service that exits before it is ready has failed that attempt", async () => {
    const port = await freePort();
    const result = await up(
      `version: 1\nstages:\n${service("api", port, `    retries: 0\n    health: { http: "http://127.0.0.1:${port}/health", interval: 50ms }\n`, { LISTEN_DELAY_MS: 5000, CRASH_AFTER_MS: 100, EXIT_CODE: 3 })}`,
    );
    expect(result.code).toBe(1);
    expect(eventsOf(parseEvents(result.stdout), "stage-failed")[0]?.error).toBe("exited before it was ready (exit code 3)");
  });
});

describe("supervised services", () => {
  it("on-failure restarts a crashed service; dependents not yet started wait through the restart", async () => {
    const port = await freePort();
    const once = path.join(project.dir, "crashed-once");
    const result = await up(
      `version: 1\nstages:\n${service("api", port, `    health: { http: "http://127.0.0.1:${port}/health", interval: 30ms, retries: 50 }\n    backoff: { initial: 800ms, jitter: false }\n`, { CRASH_AFTER_READY_MS: 150, CRASH_ONCE_FILE: once })}  slow:\n    command: until test -f ${once}; do sleep 0.02; done; sleep 0.3\n  needs-api:\n    depends_on: [api, slow]\n    command: [node, -e, "fetch('http://127.0.0.1:${port}/health').then(r => process.exit(r.ok ? 0 : 1))"]\n    retries: 0\n`,
      ["--check"],
    );
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    const exited = eventsOf(events, "service-exited", "api")[0]!;
    // `slow` ends 0.3 s after api crashes, while api stays down for its 800 ms backoff:
    // only waiting for the restart makes needs-api pass.
    expect(exited).toMatchObject({ restarting: true, exitCode: 1, delayMs: 800 });
    const restarted = eventsOf(events, "service-restarted", "api")[0]!;
    const dependent = eventsOf(events, "stage-started", "needs-api")[0]!;
    expect(Date.parse(dependent.at)).toBeGreaterThanOrEqual(Date.parse(restarted.at));
    expect(finished(events).results.find((r) => r.name === "api")).toMatchObject({ status: "ready", attempts: 2 });
    expect(await portInUse(port)).toBe(false);
    // The restart is recorded as attempt 2, closed as ok.
    expect(queryDb(path.join(project.dir, ".netra"), "SELECT attempt, outcome FROM attempts WHERE stage = 'api' ORDER BY attempt")).toEqual([
      { attempt: 1, outcome: "ok" },
      { attempt: 2, outcome: "ok" },
    ]);
  });

  it("a service restarted in a subset run (`up STAGE`) still gets its dependencies' outputs", async () => {
    const port = await freePort();
    const once = path.join(project.dir, "crashed-once");
    const result = await up(
      `version: 1\nstages:\n  unrelated: { command: "true" }\n  config: { command: "echo X=from-config >> $NETRA_OUTPUT" }\n  api:\n    kind: service\n    depends_on: [config]\n    command: test "$NETRA_CONFIG_X" = from-config || exit 9; exec node ${SERVICE} api\n    env: { PORT: "${port}", CRASH_AFTER_READY_MS: "150", CRASH_ONCE_FILE: "${once}" }\n    health: { tcp: "127.0.0.1:${port}", interval: 30ms, retries: 50 }\n    backoff: { initial: 300ms, jitter: false }\n    circuit_breaker: { threshold: 2 }\n  slow: { command: "until test -f ${once}; do sleep 0.02; done; sleep 0.2" }\n  needs-api: { depends_on: [api, slow], command: "true" }\n`,
      ["needs-api", "--check"],
    );
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "service-restarted", "api"), result.stdout.split("\n").filter((l) => !l.includes("health-check")).join("\n")).toHaveLength(1);
    expect(finished(events).results.map((r) => r.name)).toEqual(["config", "api", "slow", "needs-api"]);
  });

  it("restart: no — a critical service that stops tears everything down, exit 1", async () => {
    const port = await freePort();
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n${service("api", port, `    restart: "no"\n    cleanup: echo api-cleanup >> undo\n`, { CRASH_AFTER_MS: 400 })}  worker:\n    kind: service\n    command: sleep 3${process.pid % 100}.5\n`,
    );
    const result = await runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir });
    expect(result.code).toBe(1);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "service-lost")[0]).toMatchObject({ stage: "api", critical: true, error: "service exited (exit code 1) and was not restarted (restart: no)" });
    expect(finished(events)).toMatchObject({ status: "failed", exitCode: 1 });
    expect(processesMatching(`sleep 3${process.pid % 100}.5`)).toEqual([]);
  });

  it("a crash loop opens the circuit breaker instead of restarting forever", async () => {
    const port = await freePort();
    const result = await up(
      `version: 1\nstages:\n${service("api", port, `    restart: always\n    backoff: { initial: 20ms, jitter: false }\n    circuit_breaker: { threshold: 3 }\n    health: { tcp: "127.0.0.1:${port}", interval: 20ms, retries: 500 }\n`, { CRASH_AFTER_READY_MS: 150 })}`,
    );
    expect(result.code).toBe(1);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "service-restarted")).toHaveLength(2);
    expect(eventsOf(events, "service-lost")[0]?.error).toBe("service exited (exit code 1) and was not restarted (circuit open after 3 consecutive failed runs)");
  });

  it("SIGINT in the foreground tears down in reverse order of readiness, exit 130, nothing left", async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n${service("db", p1, `    health: { tcp: "127.0.0.1:${p1}", interval: 30ms, retries: 300 }\n`)}  migrate:\n    depends_on: [db]\n    command: "true"\n    cleanup: echo migrate-cleanup >> undo\n${service("api", p2, `    depends_on: [migrate]\n    health: { tcp: "127.0.0.1:${p2}", interval: 30ms, retries: 300 }\n`)}`,
    );
    let pid = 0;
    let seen = "";
    const running = runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir, onSpawn: (p) => (pid = p), onStdout: (text) => (seen = text) });
    await waitFor(() => /press Ctrl-C to stop/.test(seen) && /^api │ listening on \d+$/m.test(seen));
    process.kill(pid, "SIGINT");
    const result = await running;
    const stdout = result.stdout;
    expect(result.code).toBe(130);
    expect(stdout).toMatch(/all ready; 2 services running \(db, api\) — press Ctrl-C to stop/);
    // The contract: a foreground teardown is recorded with reason `teardown`; it stops
    // services and keeps what init stages did (migrate's cleanup does not run).
    expect(stdout).toContain("stopping (teardown): api, db");
    expect(existsSync(path.join(project.dir, "undo"))).toBe(false);
    expect(stdout).toMatch(/^api │ listening on \d+$/m);
    expect(await portInUse(p1)).toBe(false);
    expect(await portInUse(p2)).toBe(false);
    expect(processesMatching(SERVICE)).toEqual([]);
  });
});
