// validate / plan / schema / init / --version, through the built CLI.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type TempProject } from "../helpers/cli.js";

let project: TempProject;
afterEach(() => project?.cleanup());

describe("finding the config", () => {
  it("says where it looked when there is no config", async () => {
    project = tempProject();
    const result = await runCli(["validate"], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("config file not found: looked at ./startup.yaml; no -c/--config option and no NETRA_START_CONFIG variable were given");
    expect(result.stdout).toContain("netra-start init");
  });

  it("names the env variable when NETRA_START_CONFIG points nowhere", async () => {
    project = tempProject();
    const result = await runCli(["plan"], { cwd: project.dir, env: { NETRA_START_CONFIG: "deploy/missing.yaml" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("looked at deploy/missing.yaml (from NETRA_START_CONFIG)");
  });

  it("refuses a directory and a huge file with a clear message", async () => {
    project = tempProject();
    mkdirSync(path.join(project.dir, "startup.yaml"));
    const dir = await runCli(["validate"], { cwd: project.dir });
    expect(dir.code).toBe(2);
    expect(dir.stdout).toContain("config path is a directory, not a file");
    const big = project.write("big.yaml", `version: 1\n# ${"x".repeat(17 * 1024 * 1024)}\n`);
    const huge = await runCli(["validate", "-c", big], { cwd: project.dir });
    expect(huge.code).toBe(2);
    expect(huge.stdout).toContain("config file is too large");
  });
});

describe("validate", () => {
  it("gives diagnostics as JSON with file, line, col, path, message, hint, severity", async () => {
    const result = await runCli(["validate", "-c", "fixtures/invalid/unknown-dependency.yaml", "--format", "json"]);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { valid: boolean; diagnostics: Record<string, unknown>[] };
    expect(report.valid).toBe(false);
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ file: "fixtures/invalid/unknown-dependency.yaml", line: 9, col: 26, path: "stages.api.depends_on[1]", message: 'unknown stage "databse"', hint: 'did you mean "database"?', severity: "error" }),
    );
  });

  it("accepts a valid file and reports warnings without failing", async () => {
    project = tempProject();
    const file = project.write("startup.yaml", "version: 1\nstages:\n  a:\n    command: echo ${NETRA_TEST_UNSET_VAR}\n");
    const result = await runCli(["validate", "-c", file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("warning: stages.a.command: variable NETRA_TEST_UNSET_VAR is not set");
    expect(result.stdout).toContain("is valid: 1 stage");
  });

  it("applies a profile from -p or NETRA_START_PROFILE, and rejects an unknown one", async () => {
    const viaFlag = await runCli(["plan", "-c", "fixtures/valid/profiles.yaml", "-p", "ci", "--format", "json"]);
    expect(viaFlag.code).toBe(0);
    const plan = JSON.parse(viaFlag.stdout) as { order: string[]; concurrency: number; profile: string };
    expect(plan).toMatchObject({ order: ["db", "api"], concurrency: 2, profile: "ci" });
    const viaEnv = await runCli(["plan", "-c", "fixtures/valid/profiles.yaml", "--format", "json"], { env: { NETRA_START_PROFILE: "ci" } });
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ order: ["db", "api"] });
    const unknown = await runCli(["validate", "-c", "fixtures/valid/profiles.yaml", "-p", "cl"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain('fixtures/valid/profiles.yaml:4:1 profiles: unknown profile "cl" (did you mean "ci"?)');
  });

  it("warns about nothing and never prints a stack trace on an internal-looking failure", async () => {
    const result = await runCli(["validate", "-c", "fixtures/invalid/alias-bomb.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).not.toMatch(/\bat .+:\d+:\d+\)/);
  });
});

describe("plan", () => {
  it("prints levels, the critical path and a table", async () => {
    const result = await runCli(["plan", "-c", "fixtures/valid/contract-example.yaml"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Plan for shop-backend (fixtures/valid/contract-example.yaml): 6 stages, 4 levels, concurrency 8");
    expect(result.stdout).toContain("config -> database -> api -> metrics");
    expect(result.stdout).toMatch(/2 {2}database\* {2}cache/);
  });

  it("takes named stages plus their dependencies, and rejects unknown ones", async () => {
    const result = await runCli(["plan", "api", "-c", "fixtures/valid/contract-example.yaml", "--format", "json"]);
    expect(JSON.parse(result.stdout).order).toEqual(["config", "database", "cache", "api"]);
    const unknown = await runCli(["plan", "apy", "-c", "fixtures/valid/contract-example.yaml"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: unknown stage "apy"\nhint: did you mean "api"?');
  });

  it("uses recorded durations for the critical path once runs exist", async () => {
    project = tempProject();
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n  root: { command: "true" }\n  slow: { command: "sleep 0.6", depends_on: [root] }\n  a: { command: "true", depends_on: [root] }\n  b: { command: "true", depends_on: [a] }\n`,
    );
    const before = JSON.parse((await runCli(["plan", "-c", file, "--format", "json"], { cwd: project.dir })).stdout);
    expect(before.criticalPath.stages).toEqual(["root", "a", "b"]); // 1 s each: the longest chain
    expect((await runCli(["up", "-c", file], { cwd: project.dir })).code).toBe(0);
    const after = JSON.parse((await runCli(["plan", "-c", file, "--format", "json"], { cwd: project.dir })).stdout);
    expect(after.criticalPath.stages).toEqual(["root", "slow"]);
    expect(after.stages.find((s: { name: string }) => s.name === "slow")).toMatchObject({ estimateFromHistory: true });
    const text = await runCli(["plan", "-c", file], { cwd: project.dir });
    expect(text.stdout).toContain("estimates from past runs");
  });

  it("draws mermaid and dot with the critical path highlighted", async () => {
    const mermaid = await runCli(["plan", "-c", "fixtures/valid/diamond.yaml", "--format", "mermaid"]);
    expect(mermaid.stdout.split("\n")[0]).toBe("flowchart LR");
    expect(mermaid.stdout).toContain("s_top ==> s_left");
    expect(mermaid.stdout).toContain("s_top --> s_right");
    const dot = await runCli(["plan", "-c", "fixtures/valid/diamond.yaml", "--format", "dot"]);
    expect(dot.stdout).toMatch(/^digraph "diamond" \{/);
    expect(dot.stdout).toContain('"left" -> "bottom" [color="#dd0000", penwidth=3];');
    expect(dot.stdout.trim().endsWith("}")).toBe(true);
    // graphviz itself must accept and render it (installed by `npm run test:setup`).
    const graphviz = spawnSync("dot", ["-Tsvg"], { input: dot.stdout, encoding: "utf8" });
    if (graphviz.error) throw new Error("graphviz `dot` is not installed: apt-get install graphviz (`npm run test:setup` does this)");
    expect(graphviz.stderr).toBe("");
    expect(graphviz.status).toBe(0);
    expect(graphviz.stdout).toContain("<title>left&#45;&gt;bottom</title>");
    expect(graphviz.stdout.match(/<g id="node\d+" class="node">/g)).toHaveLength(4);
  });
});

describe("schema", () => {
  it("prints the schema the validator uses: valid fixtures pass it, broken shapes fail it", async () => {
    const result = await runCli(["schema"]);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    for (const name of ["contract-example", "all-fields", "profiles", "diamond"]) {
      const data = parse(readFileSync(path.join(ROOT, "fixtures/valid", `${name}.yaml`), "utf8"));
      expect(validate(data), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    for (const name of ["unknown-stage-key", "bad-priority", "bad-duration", "neither-command-nor-module", "health-two-probes", "wrong-types"]) {
      const data = parse(readFileSync(path.join(ROOT, "fixtures/invalid", `${name}.yaml`), "utf8"));
      expect(validate(data), name).toBe(false);
    }
  });
});

describe("init", () => {
  it("writes a starter that validates and refuses to overwrite without --force", async () => {
    project = tempProject();
    const first = await runCli(["init"], { cwd: project.dir });
    expect(first.code).toBe(0);
    expect(readFileSync(path.join(project.dir, "startup.yaml"), "utf8")).toContain("# yaml-language-server: $schema=./netra-start.schema.json");
    expect(JSON.parse(readFileSync(path.join(project.dir, "netra-start.schema.json"), "utf8")).title).toContain("netra-start");
    expect((await runCli(["validate"], { cwd: project.dir })).code).toBe(0);
    writeFileSync(path.join(project.dir, "startup.yaml"), "mine");
    const second = await runCli(["init"], { cwd: project.dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain("already exists");
    expect(readFileSync(path.join(project.dir, "startup.yaml"), "utf8")).toBe("mine");
    expect((await runCli(["init", "--force"], { cwd: project.dir })).code).toBe(0);
  });
});

describe("the CLI itself", () => {
  it("prints its version and help with examples", async () => {
    const version = await runCli(["--version"]);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
    const help = await runCli(["plan", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toContain("netra-start plan api --format mermaid");
  });

  it("a reader that stops early (| head) gets no stack trace", async () => {
    const { spawn } = await import("node:child_process");
    const { BIN } = await import("../helpers/cli.js");
    // Output well past a pipe's 64 KiB buffer, so writes do happen after the reader left.
    project = tempProject();
    let config = "version: 1\nstages:\n";
    for (let i = 0; i < 1500; i++) config += `  stage-${i}: { command: "true"${i ? `, depends_on: [stage-${i - 1}]` : ""} }\n`;
    const file = project.write("startup.yaml", config);
    const child = spawn(process.execPath, [BIN, "plan", "-c", file, "--format", "json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("exits 2 on a usage mistake", async () => {
    const result = await runCli(["plna"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("(Did you mean plan?)");
    const badOption = await runCli(["plan", "--format", "svg"]);
    expect(badOption.code).toBe(2);
  });
});
