// Text from stages and the config is shown, never obeyed: not by the terminal (escape
// sequences, control characters), not by the GitHub Actions runner (a \r that starts a
// new line with ::error, ##[add-mask] anywhere). Built CLI, real stages, real database.
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type CliResult, type TempProject } from "../helpers/cli.js";
import { queryDb, stageLogOf } from "../helpers/db.js";
import { eventsOf, parseEvents } from "../helpers/events.js";
import { linesStartingWithColons, obeyedCommands } from "../helpers/github-runner.js";

let project: TempProject;
let state: string;
beforeEach(() => {
  project = tempProject("netra-text-");
  state = path.join(project.dir, ".netra");
});
afterEach(() => project.cleanup());

const github = { GITHUB_ACTIONS: "true" };
const up = (config: string, args: string[] = [], env: Record<string, string> = {}) => {
  const file = project.write("startup.yaml", config);
  return runCli(["up", "-c", file, "--output", "plain", ...args], { cwd: project.dir, env });
};

// Raw control characters a terminal would act on (tab and newline are ours to print).
// eslint-disable-next-line no-control-regex -- finding them is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// The only lines starting with :: that netra-start prints: its own commands.
const OUR_COMMAND = /^::(stop-commands::[0-9a-f]{32}|[0-9a-f]{32}::|(error|warning) (file=startup\.yaml,line=\d+,)?title=netra-start|group::|endgroup::)/;

/** Every command the runner would obey is one netra-start meant; commands are on again at the end. */
function expectOnlyOurCommands(output: string): void {
  for (const line of linesStartingWithColons(output)) expect(line).toMatch(OUR_COMMAND);
  const obeyed = obeyedCommands(output);
  for (const command of obeyed) {
    if (command.name === "error" || command.name === "warning") expect(command.line).toContain("title=netra-start");
    else expect(["stop-commands", "resume-commands", "group", "endgroup"]).toContain(command.name);
  }
  expect(obeyed.filter((c) => c.name === "stop-commands").length).toBe(obeyed.filter((c) => c.name === "resume-commands").length);
}

describe("under GitHub Actions (plain output)", () => {
  it("a \\r, a line separator or ##[ in a failing stage's output is shown in its tail, never obeyed", async () => {
    project.write("fail.sh", "printf 'progress 10%%\\r::error title=Injected::fake\\n'\nprintf 'x ##[add-mask]leak\\n'\nprintf 'y\\342\\200\\250::warning title=Injected::ls\\n'\nexit 1\n");
    const result = await up(`version: 1\nstages:\n  a: { command: "sh fail.sh", retries: 0 }\n`, [], github);
    expect(result.code).toBe(1);
    expectOnlyOurCommands(result.stdout);
    expect(result.stdout).toContain("::error file=startup.yaml,line=3,title=netra-start%3A stage a failed::exit code 1");
    expect(result.stdout).toContain("    │ progress 10%␍::error title=Injected::fake\n");
    expect(result.stdout).toContain("    │ x ##[add-mask]leak\n");
    expect(result.stdout).toContain("    │ y<U+2028>::warning title=Injected::ls\n");
  });

  it("a \\r in a service's output is shown after its prefix, never obeyed", async () => {
    project.write("svc.sh", "printf 'tick 10%%\\r::add-mask::hunter2\\n'\necho ready\nexec sleep 30\n");
    const result = await up(`version: 1\nstages:\n  s: { kind: service, command: "sh svc.sh", health: { log: ready } }\n`, ["--check"], github);
    expect(result.code, result.stdout).toBe(0);
    expectOnlyOurCommands(result.stdout);
    expect(result.stdout).toContain("s │ tick 10%␍::add-mask::hunter2\n");
  });

  it("a module's error message with a \\r is one line: in the attempt and FAILED lines, the annotation, the database and JSON", async () => {
    project.write("boom.mjs", 'export async function init() { throw new Error("boom\\r::error title=Injected::x"); }\n');
    const config = `version: 1\nstages:\n  m: { module: ./boom.mjs, retries: 0 }\n`;
    const result = await up(config, [], github);
    expect(result.code).toBe(1);
    expectOnlyOurCommands(result.stdout);
    const shown = "boom␍::error title=Injected::x";
    expect(result.stdout).toMatch(new RegExp(`\\[m\\] attempt 1/1 failed: ${escape(shown)}\n`));
    expect(result.stdout).toMatch(new RegExp(`\\[m\\] FAILED after 1 attempt: ${escape(shown)}\n`));
    expect(result.stdout).toContain(`::error file=startup.yaml,line=3,title=netra-start%3A stage m failed::${shown}`);
    expect(queryDb(state, "SELECT error FROM attempts UNION ALL SELECT error FROM stage_runs")).toEqual([{ error: shown }, { error: shown }]);
    const json = await runCli(["up", "-c", path.join(project.dir, "startup.yaml"), "--output", "json"], { cwd: project.dir });
    const [failed] = eventsOf(parseEvents(json.stdout), "attempt-failed", "m");
    expect(failed?.error).toBe(shown);
    expect(failed?.failure).toEqual({ reason: "module-error", message: shown });
  });

  it("a failing low-priority stage is a ::warning, and so is the degraded run", async () => {
    const result = await up(`version: 1\nstages:\n  a: { command: "true" }\n  b: { command: "echo boom; exit 2", priority: low, retries: 0 }\n`, [], github);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain("::warning file=startup.yaml,line=4,title=netra-start%3A stage b failed::exit code 2\n");
    expect(result.stdout).toContain("::warning title=netra-start::run degraded (exit 3)\n");
    expect(result.stdout).not.toMatch(/^::error/m);
    // The tail is in its group, with commands stopped around it.
    expect(result.stdout).toMatch(/::group::b: last 1 lines of output\n::stop-commands::([0-9a-f]{32})\n {4}│ boom\n::\1::\n::endgroup::\n/);
    expectOnlyOurCommands(result.stdout);
  });

  it("a config name with a newline is shown on one line, in up and plan", async () => {
    const config = `version: 1\nname: "shop\\n::error title=Injected::x"\nstages:\n  a: { command: "true" }\n`;
    const result = await up(config, [], github);
    expect(result.code).toBe(0);
    expectOnlyOurCommands(result.stdout);
    expect(result.stdout).toMatch(/ started: shop␊::error title=Injected::x, 1 stage/);
    const plan = await runCli(["plan", "-c", path.join(project.dir, "startup.yaml")], { cwd: project.dir });
    expect(plan.stdout).toMatch(/^Plan for shop␊::error title=Injected::x \(/m);
  });

  it("validate quotes a key holding a \\r visibly, in its line and its annotation", async () => {
    const file = project.write("startup.yaml", 'version: 1\nstages:\n  a: { command: "true", "x\\r::error title=Injected::fake": 1 }\n');
    const result = await runCli(["validate", "-c", file], { cwd: project.dir, env: github });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('startup.yaml:3:25 stages.a["x\\r::error title=Injected::fake"]: unknown key "x␍::error title=Injected::fake"');
    expect(result.stdout).toContain("::error file=startup.yaml,line=3,col=25,title=netra-start config::");
    for (const output of [result.stdout, (await runCli(["up", "-c", file], { cwd: project.dir, env: github })).stderr]) {
      const obeyed = obeyedCommands(output);
      expect(obeyed.map((c) => c.name)).toEqual(["error"]);
      expect(obeyed[0]?.line).toContain("title=netra-start config");
    }
  });
});

describe("on a terminal or in a CI log (plain output, report, doctor)", () => {
  let result: CliResult;
  beforeEach(async () => {
    project.write("fail.sh", "printf 'clear \\033[2J title \\033]0;pwned\\007 nul \\000 bs \\010 del \\177 colour \\033[31mred\\033[0m\\n'\nexit 1\n");
    result = await up(`version: 1\nstages:\n  a: { command: "sh fail.sh", retries: 0 }\n`);
  });

  it("escape sequences, NUL and backspace from a stage's output are shown, not sent; its log keeps them", async () => {
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stdout).toContain("    │ clear ␛[2J title ␛]0;pwned␇ nul ␀ bs ␈ del ␡ colour red\n");
    expect(stageLogOf(state, "a")).toContain("clear \u001b[2J title \u001b]0;pwned\u0007 nul \u0000 bs \b del \u007f colour \u001b[31mred\u001b[0m\n");
  });

  it("report and doctor quote the same tail the same way", async () => {
    const config = path.join(project.dir, "startup.yaml");
    for (const args of [["report"], ["doctor", "-c", config]]) {
      const shown = await runCli(args, { cwd: project.dir });
      expect(shown.stdout, args[0]).not.toMatch(RAW_CONTROL);
      expect(shown.stdout, args[0]).toContain("│ clear ␛[2J title ␛]0;pwned␇ nul ␀ bs ␈ del ␡ colour red");
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
