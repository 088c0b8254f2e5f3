// Values the config or the command line accepts but the supervisor cannot honour:
// refused before anything runs, with where and how to fix (issues 13, 14, 18).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";

let project: TempProject;
afterEach(() => project?.cleanup());

describe("durations and counts have a documented maximum", () => {
  it("refuses a 1000h health interval instead of probing in a busy loop", async () => {
    project = tempProject();
    // Before the limit, Node's timer turned 1000h into 1 ms: this stage failed its three
    // probes at once and `up` exited 1 after running it.
    const file = project.write(
      "startup.yaml",
      "version: 1\nstages:\n  api:\n    command: \"true\"\n    retries: 0\n    health:\n      command: \"false\"\n      interval: 1000h\n      retries: 3\n",
    );
    const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('startup.yaml:8:17 stages.api.health.interval: duration "1000h" is too long (the maximum is 24h)');
    expect(result.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(result.stdout).not.toContain("api");
  });

  it("refuses a huge circuit recovery and retention, which used to break every run", async () => {
    project = tempProject();
    const file = project.write(
      "startup.yaml",
      "version: 1\nsettings:\n  retention: { runs: 1e300, days: 1e300 }\nstages:\n  a:\n    command: \"false\"\n    retries: 0\n    circuit_breaker: { threshold: 1, recovery: 99999999h }\n",
    );
    const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('startup.yaml:3:22 settings.retention.runs: must be <= 1000000, got a whole number 1e+300 (use a whole number from 1 to 1000000)');
    expect(result.stderr).toContain("startup.yaml:3:35 settings.retention.days: must be <= 36500");
    expect(result.stderr).toContain('startup.yaml:8:48 stages.a.circuit_breaker.recovery: duration "99999999h" is too long (the maximum is 24h)');
    expect(result.stderr).toContain("3 errors in startup.yaml");
  });
});

describe("numeric options of up are whole numbers in range", () => {
  it.each(["1e20", "0", "1.5", "abc", "0x10", "2000"])("up -j %s exits 2 and says the range, before reading the config", async (value) => {
    project = tempProject();
    const result = await runCli(["up", "-c", "missing.yaml", "-j", value], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: option '-j, --concurrency <n>' argument '${value}' is invalid. Use a whole number from 1 to 1024.`);
    expect(result.stdout + result.stderr).not.toContain("config file not found");
  });

  it("takes -j 1024, and refuses a --wait-lock longer than 24h or not a duration", async () => {
    project = tempProject();
    const file = project.write("startup.yaml", 'version: 1\nstages:\n  a:\n    command: "true"\n');
    const ok = await runCli(["up", "-c", file, "-j", "1024", "--dry-run"], { cwd: project.dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("concurrency 1024");
    const long = await runCli(["up", "-c", file, "--wait-lock", "1000h"], { cwd: project.dir });
    expect(long.code).toBe(2);
    expect(long.stderr).toContain("argument '1000h' is invalid. The maximum is 24h.");
    const word = await runCli(["down", "-c", file, "--wait-lock", "soon"], { cwd: project.dir });
    expect(word.code).toBe(2);
    expect(word.stderr).toContain("argument 'soon' is invalid. Use a duration like 30s, 2m or 1h.");
  });
});


describe("stage names", () => {
  it("refuses a 300-character name in validate, instead of failing to create its log file in up", async () => {
    project = tempProject();
    const name = "s".repeat(300);
    const file = project.write("startup.yaml", `version: 1\nstages:\n  ${name}:\n    command: "true"\n`);
    const validate = await runCli(["validate", "-c", file], { cwd: project.dir });
    expect(validate.code).toBe(2);
    expect(validate.stdout).toContain(`startup.yaml:3:3 stages.${name}: stage name "${"s".repeat(37)}…" is too long (300 characters; at most 63) (shorten it to 63 characters or fewer)`);
    const up = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
    expect(up.code).toBe(2);
    expect(up.stderr).toContain("is too long (300 characters; at most 63)");
  });
});

describe("hostile YAML is refused where it is written", () => {
  it("deep nesting: a located limit, not 'Maximum call stack size exceeded'", async () => {
    project = tempProject();
    const file = project.write("startup.yaml", `version: 1\nstages:\n  a:\n    command: "true"\n    env: { X: ${"[".repeat(5000)}${"]".repeat(5000)} }\n`);
    const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("startup.yaml:5:75 nested more than 64 levels deep");
    expect(result.stdout + result.stderr).not.toContain("call stack");
  });

  it("valid UTF-8 holding U+FFFD runs; a stray Latin-1 byte is named by line and column", async () => {
    project = tempProject();
    const good = project.write("good.yaml", 'version: 1\nstages:\n  a:\n    command: "printf \uFFFD > out.txt"\n');
    const ran = await runCli(["up", "-c", good, "--output", "plain"], { cwd: project.dir });
    expect(ran.code).toBe(0);
    expect(readFileSync(path.join(project.dir, "out.txt"), "utf8")).toBe("\uFFFD");
    const bad = path.join(project.dir, "bad.yaml");
    writeFileSync(bad, Buffer.from('version: 1\nstages:\n  a:\n    command: "printf \xe9"\n', "latin1"));
    const refused = await runCli(["validate", "-c", bad], { cwd: project.dir });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain("bad.yaml:4:22 config file is not valid UTF-8 (byte 46 is not part of a UTF-8 character) (save the file as UTF-8)");
  });
});

describe("profiles are checked as the config they make", () => {
  const config = [
    "version: 1",
    "profiles:",
    "  ci:",
    "    stages:",
    "      smoke: { depends_on: [api] }",
    "  prod:",
    "    stages:",
    "      ghost: { enabled: false }",
    "stages:",
    "  api:",
    '    command: "true"',
    "",
  ].join("\n");

  it("up -p refuses a stage the profile names but the file lacks, instead of marking it ready", async () => {
    project = tempProject();
    const file = project.write("startup.yaml", config);
    const result = await runCli(["up", "-c", file, "-p", "ci", "--output", "plain"], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('startup.yaml:5:7 profiles.ci.stages.smoke: profile "ci": unknown stage "smoke" (a profile changes stages of the file; to add a stage, give it a command or module)');
    expect(result.stdout).not.toContain("smoke");
  });

  it("validate without -p checks every profile and says which one each problem is in", async () => {
    project = tempProject();
    const file = project.write("startup.yaml", config.replace("      ghost:", "      apj:"));
    const result = await runCli(["validate", "-c", file], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('startup.yaml:5:7 profiles.ci.stages.smoke: profile "ci": unknown stage "smoke"');
    expect(result.stdout).toContain('startup.yaml:8:7 profiles.prod.stages.apj: profile "prod": unknown stage "apj" (did you mean "api"?)');
    expect(result.stdout).toContain("2 errors in startup.yaml");
    const fixed = project.write("fixed.yaml", config.replace("      smoke: { depends_on: [api] }", '      smoke: { depends_on: [api], command: "true" }').replace("      ghost: { enabled: false }", "      api: { timeout: 5s }"));
    const valid = await runCli(["validate", "-c", fixed], { cwd: project.dir });
    expect(valid.stdout).toBe("fixed.yaml is valid: 1 stage (and profiles ci, prod)\n");
    expect(valid.code).toBe(0);
  });
});

describe("output variables that collide", () => {
  it("validate refuses stage names that share an output prefix (a-b, a_b), naming both", async () => {
    project = tempProject();
    const file = project.write("startup.yaml", 'version: 1\nstages:\n  a-b:\n    command: "true"\n  a_b:\n    command: "true"\n');
    const result = await runCli(["validate", "-c", file], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('startup.yaml:5:3 stages.a_b: stage "a_b" and stage "a-b" both pass their outputs as NETRA_A_B_* (rename one of them; - and _ are the same in variable names)');
  });

  it("up fails the stage whose output lands on another stage's variable, naming both, without retrying", async () => {
    project = tempProject();
    const stateDir = path.join(project.dir, "state");
    const file = project.write(
      "startup.yaml",
      [
        "version: 1",
        "stages:",
        "  a:",
        '    command: echo B_X=from-a >> "$NETRA_OUTPUT"',
        "  a-b:",
        "    depends_on: [a]",
        "    retries: 3",
        '    command: echo X=from-a-b >> "$NETRA_OUTPUT"',
        "  user:",
        "    depends_on: [a-b]",
        '    command: echo "$NETRA_A_B_X" > seen.txt',
        "",
      ].join("\n"),
    );
    const result = await runCli(["up", "-c", file, "--state-dir", stateDir, "--output", "plain"], { cwd: project.dir });
    expect(result.code).toBe(1);
    const message = 'output "X" of stage "a-b" and output "B_X" of stage "a" both become NETRA_A_B_X; rename one of them';
    expect(result.stdout).toContain(message);
    const attempts = queryDb<{ stage: string; outcome: string; error: string }>(stateDir, "SELECT stage, outcome, error FROM attempts WHERE stage = 'a-b'");
    expect(attempts).toEqual([{ stage: "a-b", outcome: "output-collision", error: message }]);
    expect(existsSync(path.join(project.dir, "seen.txt"))).toBe(false);
  });
});
