// `x-*` extension keys and YAML merge keys (`<<: *anchor`) as compose files use them,
// through the built CLI (docs/config.md, "Extension keys and merge keys").
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { finished, parseEvents } from "../helpers/events.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-xmerge-");
});
afterEach(() => project.cleanup());

const run = (args: string[], config: string) => {
  project.write("startup.yaml", config);
  return runCli([...args, "-c", "startup.yaml"], { cwd: project.dir });
};

const MERGED = `version: 1
x-owner: platform-team
x-task: &task
  retries: 0
  env: { GREETING: merged }
stages:
  hello:
    x-note: ignored by netra-start
    <<: *task
    command: node -e "require('fs').writeFileSync('out.txt', process.env.GREETING)"
  again:
    <<: [*task]
    depends_on: [hello]
    command: node -e "process.exit(0)"
`;

describe("x-* keys and <<: merge keys", () => {
  it("validate accepts them and up runs with the merged values", async () => {
    const validate = await run(["validate"], MERGED);
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);
    const up = await runCli(["up", "--output", "json", "-c", "startup.yaml"], { cwd: project.dir });
    expect(up.code).toBe(0);
    expect(finished(parseEvents(up.stdout))).toMatchObject({ status: "ready" });
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(`${project.dir}/out.txt`, "utf8")).toBe("merged");
  });

  it("plan --format json shows a merged value as the stage's own", async () => {
    const result = await run(["plan", "--format", "json"], MERGED);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("x-owner");
  });

  it("a bad merged value is reported where the anchor writes it, not at the <<: line", async () => {
    const result = await run(["validate"], `version: 1
x-slow: &slow
  timeout: 1000h
  retries: many
stages:
  api:
    <<: *slow
    command: echo hi
`);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("startup.yaml:3:12 stages.api.timeout: duration \"1000h\" is too long");
    expect(result.stdout).toContain("startup.yaml:4:12 stages.api.retries: expected");
    expect(result.stdout + result.stderr).not.toContain("    at ");
  });

  it("a key that is neither known nor x-* is still an error", async () => {
    const result = await run(["validate"], `version: 1
y-owner: someone
stages:
  api: { command: echo hi, xnote: 1 }
`);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('startup.yaml:2:1 y-owner: unknown key "y-owner" (allowed keys: version, name, include, env_file, settings, defaults, profiles, stages, and x-* keys of your own)');
    expect(result.stdout).toContain('stages.api.xnote: unknown key "xnote"');
  });
});
