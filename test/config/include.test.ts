// `include:` through the built CLI (docs/config.md, "Including other files"): stages and
// settings of other files join the config, and every problem in them is located in them.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { finished, parseEvents } from "../helpers/events.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-include-");
});
afterEach(() => project.cleanup());

const cli = (args: string[]) => runCli([...args, "-c", "startup.yaml"], { cwd: project.dir });

const MAIN = `version: 1
include: [services/db.yaml]
stages:
  api:
    retries: 0
    depends_on: [db]
    command: test -f services/db-ran
`;

describe("include", () => {
  it("up: an included file's stages run with the config's, their paths relative to their own file", async () => {
    project.write("startup.yaml", MAIN);
    project.write("services/db.yaml", `include: [more/cache.yaml]
settings: { concurrency: 3 }
stages:
  db:
    retries: 0
    depends_on: [cache]
    command: touch db-ran
`);
    project.write("services/more/cache.yaml", "stages:\n  cache: { retries: 0, command: touch cache-ran }\n");
    const result = await cli(["up", "--output", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    expect(finished(events)).toMatchObject({ status: "ready" });
    expect(events.find((e) => e.type === "run-started")).toMatchObject({ concurrency: 3 });
    expect(existsSync(path.join(project.dir, "services", "db-ran"))).toBe(true);
    expect(existsSync(path.join(project.dir, "services", "more", "cache-ran"))).toBe(true);
  });

  it("up under GitHub Actions: a failed included stage is annotated on its line of the included file", async () => {
    project.write("startup.yaml", MAIN);
    project.write("services/db.yaml", "stages:\n  other: { command: \"true\" }\n  db:\n    retries: 0\n    command: exit 3\n");
    const result = await runCli(["up", "--output", "plain", "-c", "startup.yaml"], { cwd: project.dir, env: { GITHUB_ACTIONS: "true" } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("::error file=services/db.yaml,line=3,title=netra-start%3A stage db failed::exit code 3");
  });

  it("validate and up: a mistake in an included file is located in that file, exit 2", async () => {
    project.write("startup.yaml", MAIN);
    project.write("services/db.yaml", `stages:
  db:
    depends_on: [cahce]
    command: echo db
    timeout: 1000h
`);
    for (const result of [await cli(["validate"]), await cli(["up"])]) {
      expect(result.code).toBe(2);
      const shown = result.stdout + result.stderr;
      expect(shown).toContain('services/db.yaml:3:18 stages.db.depends_on[0]: unknown stage "cahce"');
      expect(shown).toContain('services/db.yaml:5:14 stages.db.timeout: duration "1000h" is too long');
      expect(shown).toContain("  5 |     timeout: 1000h");
      expect(shown).not.toContain("    at ");
    }
  });

  it("validate: a stage defined in two files is an error naming both places", async () => {
    project.write("startup.yaml", MAIN);
    project.write("services/db.yaml", "stages:\n  db: { command: echo db }\n  api: { command: echo again }\n");
    const result = await cli(["validate"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('services/db.yaml:3:3 stages.api: stage "api" is also defined at startup.yaml:4:3');
  });

  it("validate: a cycle of includes, a missing file and a key an included file may not hold are errors at their place", async () => {
    project.write("startup.yaml", `version: 1
include: [a.yaml, missing.yaml]
stages:
  api: { command: echo hi }
`);
    project.write("a.yaml", "include: [b.yaml]\nstages:\n  a: { command: echo a }\n");
    project.write("b.yaml", "include: [a.yaml]\ndefaults: { retries: 1 }\nstages:\n  b: { command: echo b }\n");
    const result = await cli(["validate"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("b.yaml:1:11 include[0]: include cycle: a.yaml -> b.yaml -> a.yaml");
    expect(result.stdout).toContain('b.yaml:2:1 defaults: "defaults" cannot be used in an included file');
    expect(result.stdout).toContain("startup.yaml:2:19 include[1]: included file missing.yaml not found");
  });
});
