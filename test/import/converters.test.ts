// The pure half of `netra-start import`: detection, the three converters, the writer.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { detectKind } from "../../src/import/detect.js";
import { fromCompose } from "../../src/import/compose.js";
import { duration, stageName } from "../../src/import/imported.js";
import { fromProcessCompose } from "../../src/import/process-compose.js";
import { fromProcfile } from "../../src/import/procfile.js";
// The writer uses the yaml bundle that exists only in dist/ (scripts/build-vendor.mjs).
import { writeConfig } from "../../dist/import/write-config.js";

describe("detectKind", () => {
  it("goes by the name, then by the content", () => {
    expect(detectKind("/x/Procfile", "")).toBe("procfile");
    expect(detectKind("Procfile.dev", "")).toBe("procfile");
    expect(detectKind("docker-compose.yml", "")).toBe("compose");
    expect(detectKind("compose.override.yaml", "")).toBe("compose");
    expect(detectKind("process-compose.yml", "")).toBe("process-compose");
    expect(detectKind("dev.yml", "version: 0.5\nprocesses:\n  a:\n    command: x\n")).toBe("process-compose");
    expect(detectKind("stack.yml", "services:\n  a:\n    image: x\n")).toBe("compose");
    expect(detectKind("Procs", "web: node server.js\n# note\nworker: node w.js\n")).toBe("procfile");
    expect(detectKind("notes.txt", "hello world\n")).toBeUndefined();
  });
});

describe("helpers", () => {
  it("turns compose durations and names into netra-start's", () => {
    expect(duration("1m30s")).toBe("90s");
    expect(duration("500ms")).toBe("500ms");
    expect(duration("1h")).toBe("3600s");
    expect(duration(3)).toBe("3s");
    expect(duration("soon")).toBeUndefined();
    expect(stageName("My.Service")).toBe("my-service");
  });
});

describe("fromProcfile", () => {
  it("makes services, runs Heroku's release first and gives $PORT users foreman's port", () => {
    const imported = fromProcfile("release: rails db:migrate\nweb: puma -p $PORT\n\n# jobs\nworker: sidekiq\nbroken line\n");
    expect(imported.stages.map((s) => [s.name, s.fields.kind, s.fields.depends_on])).toEqual([
      ["release", "task", undefined],
      ["web", "service", ["release"]],
      ["worker", "service", ["release"]],
    ]);
    expect(imported.stages[1]?.fields.env).toEqual({ PORT: "5000" });
    expect(imported.skipped).toEqual([{ path: [], line: 6, message: 'line not imported: expected "name: command", got "broken line"' }]);
  });
});

describe("fromCompose", () => {
  const compose = {
    services: {
      db: { image: "postgres:16", ports: ["5432:5432"], healthcheck: { test: ["CMD-SHELL", "pg_isready"], interval: "5s", retries: 5 } },
      setup: { command: "./setup", depends_on: { db: { condition: "service_healthy" } } },
      api: {
        command: ["node", "api.js"],
        environment: ["A=1", "INHERITED"],
        working_dir: "/srv",
        restart: "unless-stopped",
        depends_on: { setup: { condition: "service_completed_successfully" }, db: { condition: "service_started" } },
      },
    },
    volumes: { data: null },
  };
  it("maps commands, conditions, health, environment, restart and working_dir", () => {
    const { stages } = fromCompose(compose);
    const [db, setup, api] = stages;
    expect(db?.fields).toEqual({ kind: "service", command: "postgres", health: { command: "pg_isready", interval: "5s", retries: 4 } });
    expect(setup?.fields).toMatchObject({ kind: "task", depends_on: ["db"] });
    expect(api?.fields).toEqual({
      kind: "service",
      command: ["node", "api.js"],
      depends_on: [{ stage: "setup", condition: "completed" }, { stage: "db", condition: "started" }],
      env: { A: "1" },
      cwd: "/srv",
      restart: "always",
    });
    expect(api?.fieldNotes.depends_on).toBeUndefined();
  });
  it("writes the long form only for what differs from ready and required: required: false, restart: true", () => {
    const { stages } = fromCompose({
      services: { db: { command: "db" }, cache: { command: "c" }, api: { command: "a", depends_on: { db: { condition: "service_healthy", restart: true }, cache: { condition: "service_healthy", required: false } } } },
    });
    expect(stages[2]?.fields.depends_on).toEqual([{ stage: "db", restart: true }, { stage: "cache", required: false }]);
    expect(stages[2]?.fieldNotes.depends_on).toBe("cache: not required, but if it is critical its failure still ends the run (priority: low lets the run go on)");
  });
  it("maps env_file as a path, a list, and { path, required }", () => {
    const imported = fromCompose({
      services: {
        one: { command: "a", env_file: ".env" },
        many: { command: "b", env_file: ["a.env", { path: "b.env", required: false }, { path: "c.env", required: true, format: "raw" }] },
      },
    });
    expect(imported.stages[0]?.fields.env_file).toBe(".env");
    expect(imported.stages[1]?.fields.env_file).toEqual(["a.env", { path: "b.env", required: false }, "c.env"]);
    expect(imported.skipped.map((s) => s.path.join("."))).toEqual(["services.many.env_file.2.format"]);
  });
  it("gives names that differ only in case or punctuation a name each", () => {
    const { stages } = fromCompose({ services: { Web: { command: "a" }, web: { command: "b" }, "web.": { command: "c" } } });
    expect(stages.map((s) => s.name)).toEqual(["web", "web-2", "web-3"]);
    expect(stages[0]?.notes).toEqual(['service "Web" in the compose file']);
  });
  it("keeps what it cannot map as a note with the source path", () => {
    const imported = fromCompose(compose);
    expect(imported.stages[0]?.notes).toEqual([
      "not imported: image: postgres:16 (netra-start runs commands on this machine, not containers)",
      'not imported: ports: ["5432:5432"] (netra-start runs commands on this machine, not containers)',
    ]);
    expect(imported.skipped.map((s) => s.path.join("."))).toEqual(["services.db.image", "services.db.ports", "volumes"]);
  });
});

describe("fromProcessCompose", () => {
  it("maps readiness_probe to health with initial_delay and success_threshold, availability to restart", () => {
    const { stages, skipped } = fromProcessCompose({
      processes: {
        api: {
          command: "go run .",
          readiness_probe: { http_get: { host: "127.0.0.1", port: 8080, path: "/ready" }, initial_delay_seconds: 2, period_seconds: 1, success_threshold: 3, failure_threshold: 5 },
          availability: { restart: "on_failure", max_restarts: 4 },
          is_daemon: false,
        },
        seed: { command: "./seed", depends_on: { api: { condition: "process_healthy" } } },
        report: { command: "./report", depends_on: { seed: { condition: "process_completed" }, api: { condition: "process_started" } } },
      },
    });
    expect(stages[0]?.fields).toEqual({
      kind: "service",
      command: "go run .",
      health: { http: "http://127.0.0.1:8080/ready", initial_delay: "2s", interval: "1s", success_threshold: 3, retries: 4 },
      restart: "on-failure",
      circuit_breaker: { threshold: 4 },
    });
    expect(stages[1]?.fields.depends_on).toEqual(["api"]);
    // process_completed: any exit will do, so seed is a task and not required.
    expect(stages[1]?.fields.kind).toBe("task");
    expect(stages[2]?.fields.depends_on).toEqual([{ stage: "seed", condition: "completed", required: false }, { stage: "api", condition: "started" }]);
    expect(skipped.map((s) => s.path.join("."))).toEqual(["processes.api.is_daemon"]);
  });
});

describe("writeConfig", () => {
  it("writes comments on what was not imported, and the same data back", () => {
    const imported = fromCompose({ name: "shop", services: { db: { image: "postgres:16", command: "postgres", depends_on: [] } } });
    const text = writeConfig(imported, "compose.yaml");
    expect(text).toContain("  db:\n    # not imported: image: postgres:16 (netra-start runs commands on this machine, not containers)\n    kind: service\n");
    expect(parse(text)).toEqual({ version: 1, name: "shop", stages: { db: { kind: "service", command: "postgres" } } });
  });
  it("writes long-form edges and env_file entries one per line, in braces, and reads back the same", () => {
    const imported = fromCompose({ services: { db: { command: "db" }, api: { command: "a", env_file: [{ path: "x.env", required: false }], depends_on: { db: { condition: "service_started" } } } } });
    const text = writeConfig(imported, "compose.yaml");
    expect(text).toContain("    depends_on:\n      - {stage: db, condition: started}\n");
    expect(text).toContain("    env_file:\n      - {path: x.env, required: false}\n");
    expect(parse(text)).toMatchObject({ stages: { api: { depends_on: [{ stage: "db", condition: "started" }], env_file: [{ path: "x.env", required: false }] } } });
  });
});
