// depends_on long form with real processes, through the built CLI (docs/config.md,
// "Dependency conditions"): when a dependent may start (started / ready / completed), and
// what an optional dependency's failure does to it (required: false).
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EngineEvent } from "../../src/engine/events.js";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { finished, parseEvents } from "../helpers/events.js";
import { processesMatching } from "../helpers/processes.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-conditions-");
});
afterEach(() => project.cleanup());

const run = (args: string[], config: string) => {
  project.write("startup.yaml", config);
  return runCli([...args, "-c", "startup.yaml"], { cwd: project.dir });
};
// Position of a stage's event in the stream: which came first is what a user sees.
const at = (events: EngineEvent[], type: EngineEvent["type"], stage: string) => events.findIndex((e) => e.type === type && "stage" in e && e.stage === stage);

// A service whose health check passes only once its dependent has run: the dependent must
// be allowed to start before the service is ready.
const STARTED = `version: 1
stages:
  db:
    kind: service
    command: node -e "setInterval(() => {}, 1000)" db-of-${"$"}{NETRA_TEST_TAG:-conditions}
    health: { command: test -f go.flag, interval: 50ms, retries: 100 }
  opener:
    retries: 0
    depends_on: [{ stage: db, condition: started }]
    command: touch go.flag
`;

describe("condition: started", () => {
  it("up: the dependent starts once the dependency's process started, before it is ready", async () => {
    const result = await run(["up", "--check", "--output", "json"], STARTED);
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    expect(at(events, "stage-started", "opener")).toBeGreaterThan(at(events, "stage-started", "db"));
    expect(at(events, "stage-started", "opener")).toBeLessThan(at(events, "stage-ready", "db"));
    expect(finished(events)).toMatchObject({ status: "ready" });
    expect(processesMatching("db-of-conditions")).toEqual([]);
  });

  it("plan shows the condition (text and json)", async () => {
    const text = await run(["plan"], STARTED);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/opener\s+task\s+critical\s+db \(started\)/);
    const json = JSON.parse((await run(["plan", "--format", "json"], STARTED)).stdout) as { stages: { name: string; dependencies: unknown[] }[] };
    expect(json.stages.find((s) => s.name === "opener")?.dependencies).toEqual([{ stage: "db", condition: "started", required: true, restart: false }]);
  });
});

describe("condition: ready (the default) and completed", () => {
  it("up: a ready edge waits for the health check; a completed edge waits for the task to finish", async () => {
    const result = await run(["up", "--output", "json"], `version: 1
stages:
  migrate:
    retries: 0
    command: node -e "setTimeout(() => require('fs').writeFileSync('migrated', ''), 300)"
    health: { command: test -f migrated, interval: 50ms, retries: 100 }
  seed:
    retries: 0
    depends_on: [{ stage: migrate, condition: completed }]
    command: test -f migrated
  api:
    retries: 0
    depends_on: [{ stage: migrate }, seed]
    command: test -f migrated
`);
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    expect(at(events, "stage-started", "seed")).toBeGreaterThan(at(events, "stage-ready", "migrate"));
    expect(at(events, "stage-started", "api")).toBeGreaterThan(at(events, "stage-ready", "seed"));
    expect(finished(events)).toMatchObject({ status: "ready" });
  });

  it("validate: completed on a service is an error at the condition, with a hint", async () => {
    const result = await run(["validate"], `version: 1
stages:
  db:
    kind: service
    command: sleep 100
  api:
    depends_on:
      - stage: db
        condition: completed
    command: echo hi
`);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('startup.yaml:9:20 stages.api.depends_on[0].condition: condition "completed" needs a task, but "db" is a service, which keeps running (use condition: ready (its health check passed) or started (its process began), or make "db" a task (kind: task))');
  });

  it("validate: an unknown condition or stage in the long form is located, with a did-you-mean", async () => {
    const result = await run(["validate"], `version: 1
stages:
  db: { command: echo db }
  api:
    depends_on: [{ stage: dbb, condition: healthy }]
    command: echo hi
`);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("startup.yaml:5:43 stages.api.depends_on[0].condition: expected one of started, ready, completed, got");
    expect(result.stdout).toContain('startup.yaml:5:27 stages.api.depends_on[0].stage: unknown stage "dbb" (did you mean "db"?)');
  });
});

describe("required: false", () => {
  const OPTIONAL = `version: 1
stages:
  cache-warm:
    priority: low
    retries: 0
    command: exit 1
  api:
    priority: high
    retries: 0
    depends_on: [{ stage: cache-warm, required: false, restart: true }]
    command: touch api-ran
  reports:
    priority: low
    retries: 0
    depends_on: [cache-warm]
    command: touch reports-ran
`;

  it("up: a failed optional dependency does not skip the dependent; a required one does", async () => {
    const result = await run(["up", "--output", "json"], OPTIONAL);
    expect(result.code).toBe(3);
    const events = parseEvents(result.stdout);
    expect(at(events, "stage-started", "api")).toBeGreaterThan(at(events, "stage-failed", "cache-warm"));
    expect(existsSync(path.join(project.dir, "api-ran"))).toBe(true);
    expect(existsSync(path.join(project.dir, "reports-ran"))).toBe(false);
    const results = finished(events).results.map((r) => [r.name, r.status]);
    expect(results).toEqual(expect.arrayContaining([["api", "ready"], ["reports", "skipped"], ["cache-warm", "failed"]]));
    expect(finished(events).note).toBe("api started without cache-warm (optional dependency, failed)");
  });

  it("up: the summary says which stage started without its optional dependency", async () => {
    const result = await run(["up", "--output", "plain"], OPTIONAL);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain("api started without cache-warm (optional dependency, failed)");
    expect(result.stdout).toMatch(/^api\s+✔ ready/m);
  });

  it("plan says the dependency is optional and restarts its dependent (text and json)", async () => {
    const text = await run(["plan"], OPTIONAL);
    expect(text.stdout).toMatch(/api\s+task\s+high\s+cache-warm \(optional, restart\)/);
    const json = JSON.parse((await run(["plan", "--format", "json"], OPTIONAL)).stdout) as { stages: { name: string; dependencies: unknown[] }[] };
    expect(json.stages.find((s) => s.name === "api")?.dependencies).toEqual([{ stage: "cache-warm", condition: "ready", required: false, restart: true }]);
  });
});
