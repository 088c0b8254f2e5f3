// `.env` beside the config and `env_file:` as a user meets them: the built CLI's
// `validate` and `up` on real files (docs/config.md, "Environment files"). Each rule of
// the precedence is one test: what a stage's process finally sees is written by the
// stage itself to a file.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { stageLogOf } from "../helpers/db.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-envfile-");
  // The stage's view of the environment: the named variables, as JSON ("<unset>" if absent).
  project.write("dump.mjs", `import { writeFileSync } from "node:fs";
const [file, ...names] = process.argv.slice(2);
writeFileSync(file, JSON.stringify(Object.fromEntries(names.map((n) => [n, process.env[n] ?? "<unset>"]))));
console.log("token is", process.env.API_TOKEN ?? "<unset>");
`);
});
afterEach(() => project.cleanup());

const up = (config: string, env: Record<string, string> = {}) => {
  project.write("startup.yaml", config);
  return runCli(["up", "--output", "plain", "-c", "startup.yaml"], { cwd: project.dir, env });
};
const validate = (config: string, env: Record<string, string> = {}) => {
  project.write("startup.yaml", config);
  return runCli(["validate", "-c", "startup.yaml"], { cwd: project.dir, env });
};
const seen = (): Record<string, string> => JSON.parse(readFileSync(path.join(project.dir, "seen.json"), "utf8")) as Record<string, string>;
const dumping = (names: string, extra = "") => `version: 1
stages:
  app:
    retries: 0
${extra}    command: node dump.mjs seen.json ${names}
`;

describe(".env: interpolation, as compose", () => {
  it("${VAR} in the config takes its value from .env, with compose's quoting rules", async () => {
    project.write(".env", `# a comment
export PLAIN=plain value # a comment
SINGLE='no $PLAIN here'
DOUBLE="tab\\there \${PLAIN}"
HASH=a#b
`);
    const result = await up(dumping("P S D H", `    env: { P: "\${PLAIN}", S: "\${SINGLE}", D: "\${DOUBLE}", H: "\${HASH}" }\n`));
    expect(result.code).toBe(0);
    expect(seen()).toEqual({ P: "plain value", S: "no $PLAIN here", D: "tab\there plain value", H: "a#b" });
  });

  it("the process environment wins over .env, for the config and for ${VAR} inside .env", async () => {
    project.write(".env", "REGION=from-dotenv\nURL=https://${REGION}.example\n");
    const result = await up(dumping("R U", `    env: { R: "\${REGION}", U: "\${URL}" }\n`), { REGION: "from-process" });
    expect(result.code).toBe(0);
    expect(seen()).toEqual({ R: "from-process", U: "https://from-process.example" });
  });

  it("is not handed to the stage's processes by itself (as compose, which uses it only for the config)", async () => {
    project.write(".env", "ONLY_IN_DOTENV=x\n");
    const result = await up(dumping("ONLY_IN_DOTENV"));
    expect(result.code).toBe(0);
    expect(seen()).toEqual({ ONLY_IN_DOTENV: "<unset>" });
  });

  it("validate: a bad line in .env is located in .env, reported with the config's own mistakes", async () => {
    project.write(".env", "GOOD=1\nBAD LINE\nQUOTE=\"never closed\n");
    const result = await validate(dumping("X", "    retries: many\n"));
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('.env:2:1 expected VAR=VALUE, got "BAD LINE"');
    expect(result.stdout).toContain(".env:3:7 unclosed double quote");
    expect(result.stdout).toContain("startup.yaml:4:14 stages.app.retries: expected");
    expect(result.stdout).toContain("  2 | BAD LINE");
  });
});

describe("env_file: the stage's processes get the variables", () => {
  it("an env_file beats the supervisor's environment; the stage's env beats the env_file", async () => {
    project.write("app.env", "FROM_FILE=file\nBOTH=file\nOVER_PROCESS=file\n");
    const result = await up(dumping("FROM_FILE BOTH OVER_PROCESS", "    env_file: app.env\n    env: { BOTH: stage-env }\n"), { OVER_PROCESS: "process" });
    expect(result.code).toBe(0);
    expect(seen()).toEqual({ FROM_FILE: "file", BOTH: "stage-env", OVER_PROCESS: "file" });
  });

  it("the stage's env_file beats the top-level env_file, and a later file beats an earlier one", async () => {
    project.write("shared.env", "A=shared\nB=shared\nC=shared\n");
    project.write("one.env", "B=one\nC=one\n");
    project.write("sub/two.env", "C=two\n");
    const result = await up(`version: 1
env_file: shared.env
stages:
  app:
    retries: 0
    env_file: [one.env, { path: sub/two.env }]
    command: node dump.mjs seen.json A B C
`);
    expect(result.code).toBe(0);
    expect(seen()).toEqual({ A: "shared", B: "one", C: "two" });
  });

  it("${VAR} in an env file sees the file's earlier lines, then the process environment over .env", async () => {
    project.write(".env", "HOST=dotenv-host\nPORT=1\n");
    project.write("app.env", "PORT=5432\nURL=db://${HOST}:${PORT}\n");
    const result = await up(dumping("URL", "    env_file: app.env\n"), { HOST: "process-host" });
    expect(result.code).toBe(0);
    expect(seen()).toEqual({ URL: "db://process-host:5432" });
  });

  it("validate and up: a missing env_file is an error at the entry that names it, exit 2; required: false lets it be missing", async () => {
    const config = dumping("X", "    env_file: [{ path: optional.env, required: false }, missing.env]\n");
    for (const result of [await validate(config), await up(config)]) {
      expect(result.code).toBe(2);
      expect(result.stdout + result.stderr).toContain("startup.yaml:5:57 stages.app.env_file[1]: env file missing.env not found (create it, fix the path (relative to the config file's folder), or mark it optional: { path: missing.env, required: false })");
      expect(result.stdout + result.stderr).not.toContain("    at ");
    }
    project.write("missing.env", "X=now-here\n");
    expect((await up(config)).code).toBe(0);
    expect(seen()).toEqual({ X: "now-here" });
  });

  it("secrets from .env and env files are redacted in the stage's log like any env value", async () => {
    project.write(".env", "DOTENV_PASSWORD=dotenv-secret-value\n");
    project.write("app.env", "API_TOKEN=file-secret-value\n");
    const result = await up(`version: 1
stages:
  app:
    retries: 0
    env_file: app.env
    command: node dump.mjs seen.json API_TOKEN && echo "pw \${DOTENV_PASSWORD}"
`);
    expect(result.code).toBe(0);
    const log = stageLogOf(path.join(project.dir, ".netra"), "app");
    expect(log).toContain("token is ***");
    expect(log).toContain("pw ***");
    expect(log).not.toContain("secret-value");
  });
});
