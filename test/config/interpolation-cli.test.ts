// Interpolation as a user meets it: the built CLI's `validate` and `up` on real files,
// with variables in its environment (docs/config.md, "Interpolation").
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { eventsOf, finished, parseEvents } from "../helpers/events.js";
import { freePort, portInUse } from "../helpers/ports.js";
import { processesMatching } from "../helpers/processes.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-interp-");
});
afterEach(() => project.cleanup());

const SERVICE = path.join(ROOT, "fixtures", "bin", "service.mjs");

const run = (args: string[], config: string, env: Record<string, string> = {}) => {
  project.write("startup.yaml", config);
  return runCli([...args, "-c", "startup.yaml"], { cwd: project.dir, env });
};

// Fields that are not free text, each filled from the environment.
const TYPED = `version: 1
stages:
  api:
    kind: service
    command: node ${SERVICE} api
    env: { PORT: "\${NETRA_TEST_PORT}" }
    requires: { ports: ["\${NETRA_TEST_PORT}"] }
    health: { tcp: "127.0.0.1:\${NETRA_TEST_PORT}", interval: 50ms, retries: 40 }
  seed:
    enabled: \${NETRA_TEST_WITH_SEED:-false}
    command: exit 1
`;

describe("enabled, requires.ports and health.tcp take ${VAR}", () => {
  it("up: the values come from the environment, and a stage switched off by one does not run", async () => {
    const port = await freePort();
    const result = await run(["up", "--check", "--output", "json"], TYPED, { NETRA_TEST_PORT: String(port) });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "health-check", "api").at(-1)).toMatchObject({ ok: true, detail: `connected to 127.0.0.1:${port}` });
    expect(eventsOf(events, "stage-started", "seed")).toEqual([]);
    expect(finished(events)).toMatchObject({ status: "ready" });
    expect(await portInUse(port)).toBe(false);
    expect(processesMatching(`${SERVICE} api`)).toEqual([]);
  });

  it("validate: enabled: ${VAR} set to true keeps the stage", async () => {
    const result = await run(["plan"], TYPED, { NETRA_TEST_PORT: "8080", NETRA_TEST_WITH_SEED: "TRUE" });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\s+seed\s/m);
  });

  it("validate: a value that does not fit once interpolated is an error at its source, saying what it became", async () => {
    const result = await run(["validate"], TYPED, { NETRA_TEST_PORT: "http", NETRA_TEST_WITH_SEED: "maybe" });
    expect(result.code).toBe(2);
    expect(result.stdout.split("\n").filter((line) => /^startup\.yaml:\d+:\d+ /.test(line))).toEqual([
      'startup.yaml:7:25 stages.api.requires.ports[0]: expected a port number (1-65535), got "http" (from "${NETRA_TEST_PORT}") (the value comes from the environment: check the variables it uses)',
      'startup.yaml:8:20 stages.api.health.tcp: expected host:port, e.g. 127.0.0.1:5432, got "127.0.0.1:http" (from "127.0.0.1:${NETRA_TEST_PORT}") (the value comes from the environment: check the variables it uses)',
      'startup.yaml:10:14 stages.seed.enabled: expected true or false, got "maybe" (from "${NETRA_TEST_WITH_SEED:-false}") (the value comes from the environment: check the variables it uses)',
    ]);
    expect(result.stdout).toContain("3 errors in startup.yaml");
  });

  it("validate: an unset required variable is one error with its message, not a second one about the empty value", async () => {
    const result = await run(["validate"], TYPED.replace('ports: ["${NETRA_TEST_PORT}"]', 'ports: ["${NETRA_TEST_PORT:?the port api listens on}"]'), {});
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      "startup.yaml:7:25 stages.api.requires.ports[0]: required variable NETRA_TEST_PORT is not set: the port api listens on (set NETRA_TEST_PORT in the environment)",
    );
    expect(result.stdout).not.toMatch(/requires\.ports\[0\]: expected/);
  });

  it("validate: without a reference, a quoted port is still refused", async () => {
    const result = await run(["validate"], TYPED.replace('ports: ["${NETRA_TEST_PORT}"]', 'ports: ["8080"]'), { NETRA_TEST_PORT: "8080" });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('startup.yaml:7:25 stages.api.requires.ports[0]: expected a port number (1-65535), or text with a ${VAR} reference, got a string "8080"');
  });
});

describe("bare $VAR", () => {
  it("up: is substituted in env values as compose does, $$ keeps a literal $, and shell commands keep theirs", async () => {
    const config = `version: 1
stages:
  greet:
    env: { GREETING: "hello $NETRA_TEST_WHO", LITERAL: "$$NETRA_TEST_WHO costs $5", MISSING: "[$NETRA_TEST_NOBODY]" }
    command: 'printf "%s|%s|%s|%s" "$GREETING" "$LITERAL" "$MISSING" "$NETRA_TEST_WHO" > out.txt'
`;
    const result = await run(["up", "--output", "json"], config, { NETRA_TEST_WHO: "world" });
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(project.dir, "out.txt"), "utf8")).toBe("hello world|$NETRA_TEST_WHO costs $5|[]|world");
    expect(result.stderr).toContain("startup.yaml:4:94 warning: stages.greet.env.MISSING: variable NETRA_TEST_NOBODY is not set; using an empty string");
  });
});

describe("an unset variable used by many stages", () => {
  it("validate: one warning per variable, at its first use, with the number of uses", async () => {
    const stages = Array.from({ length: 40 }, (_, i) => `  s${i}:\n    command: "true"\n    env: { OWN: "\${NETRA_TEST_ALSO_UNSET}" }\n`).join("");
    const config = `version: 1\ndefaults:\n  env:\n    SHARED: \${NETRA_TEST_UNSET}\n    TOKEN: \${NETRA_TEST_TOKEN:?ask the team for one}\nstages:\n${stages}`;
    const result = await run(["validate"], config);
    expect(result.code).toBe(2);
    const lines = result.stdout.split("\n").filter((line) => /^startup\.yaml:\d+:\d+ /.test(line));
    expect(lines).toEqual([
      "startup.yaml:4:13 warning: defaults.env.SHARED: variable NETRA_TEST_UNSET is not set; using an empty string (40 uses; the first is shown) (set it, or give a default: ${NETRA_TEST_UNSET:-default}; $$ writes a literal $)",
      "startup.yaml:5:12 defaults.env.TOKEN: required variable NETRA_TEST_TOKEN is not set: ask the team for one (set NETRA_TEST_TOKEN in the environment)",
      "startup.yaml:9:17 warning: stages.s0.env.OWN: variable NETRA_TEST_ALSO_UNSET is not set; using an empty string (40 uses; the first is shown) (set it, or give a default: ${NETRA_TEST_ALSO_UNSET:-default}; $$ writes a literal $)",
    ]);
    expect(result.stdout).toContain("1 error, 2 warnings in startup.yaml");
  });
});
