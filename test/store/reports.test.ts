// history, report (text/json/junit/prometheus, checked by xmllint and promtool), down, prune.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { waitFor } from "../helpers/processes.js";

let project: TempProject;
let state: string;
beforeEach(() => {
  project = tempProject("netra-report-");
  state = path.join(project.dir, ".netra");
});
afterEach(() => project.cleanup());

// `npm run test:setup` installs these; a missing tool must fail loudly, never skip.
function tool(name: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (!found) throw new Error(`${name} is not installed: \`npm run test:setup\` installs it (apt-get install ${name === "promtool" ? "prometheus" : "libxml2-utils"})`);
  return found;
}

const mixed = `version: 1\nname: "shop <&> \\"quoted\\""\ndefaults: { retries: 0 }\nstages:\n  ok: { command: "true" }\n  bad:\n    command: echo '<b>boom</b> & "quotes"'; exit 3\n    priority: low\n  after: { command: "true", depends_on: [bad], priority: low }\n`;

describe("report", () => {
  it("JUnit validates against the JUnit schema CI systems read (xmllint)", async () => {
    const file = project.write("startup.yaml", mixed);
    const junit = path.join(project.dir, "startup.xml");
    const run = await runCli(["up", "-c", file, "--junit", junit], { cwd: project.dir });
    expect(run.code).toBe(3);
    const check = spawnSync(tool("xmllint"), ["--noout", "--schema", path.join(ROOT, "test/fixtures/junit.xsd"), junit], { encoding: "utf8" });
    expect(check.stderr).toContain("validates");
    expect(check.status).toBe(0);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toContain('tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).toContain('<failure message="exit code 3" type="low">&lt;b&gt;boom&lt;/b&gt; &amp; &quot;quotes&quot;</failure>');
    expect(xml).toContain('<skipped message="skipped: dependency bad failed"/>');
    const fromReport = await runCli(["report", "-c", file, "--format", "junit"], { cwd: project.dir });
    expect(fromReport.stdout).toBe(xml);
  });

  it("Prometheus output passes promtool check metrics", async () => {
    const file = project.write("startup.yaml", mixed);
    await runCli(["up", "-c", file], { cwd: project.dir });
    const metrics = await runCli(["report", "-c", file, "--format", "prometheus"], { cwd: project.dir });
    const check = spawnSync(tool("promtool"), ["check", "metrics"], { input: metrics.stdout, encoding: "utf8" });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(metrics.stdout).toMatch(/^netra_start_stage_duration_seconds\{run_id="[^"]+",name="shop <&> \\"quoted\\"",stage="ok",priority="critical",kind="task"\} [\d.]+$/m);
    expect(metrics.stdout).toMatch(/^netra_start_stage_attempts_total\{.*stage="bad".*\} 1$/m);
    expect(metrics.stdout).toMatch(/^netra_start_run_status\{.*status="degraded"\} 1$/m);
  });

  it("text and json tell what happened; history lists runs", async () => {
    const file = project.write("startup.yaml", mixed);
    await runCli(["up", "-c", file], { cwd: project.dir });
    await runCli(["up", "-c", file, "ok"], { cwd: project.dir });
    const history = await runCli(["history", "-c", file], { cwd: project.dir });
    expect(history.stdout).toMatch(/^RUN +STARTED +STATUS +EXIT +DURATION +STAGES +COMMAND$/m);
    expect(history.stdout).toMatch(/ ready +0 +\S+ +1\/1 ready +up ok$/m);
    expect(history.stdout).toMatch(/ degraded +3 +\S+ +1\/3 ready, 1 failed, 1 skipped +up$/m);
    const jsonLines = (text: string) => text.trimEnd().split("\n").map((line) => JSON.parse(line) as { id: string });
    const json = jsonLines((await runCli(["history", "-c", file, "--format", "json", "--limit", "1"], { cwd: project.dir })).stdout);
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ status: "ready", command: "up ok" });
    const [latest, first] = jsonLines((await runCli(["history", "-c", file, "--format", "json"], { cwd: project.dir })).stdout).map((r) => r.id) as [string, string];
    // The shortest prefix of the first run's id that the other run does not share: two
    // runs in the same second share the timestamp part.
    let prefix = first.slice(0, 9);
    while (latest.startsWith(prefix)) prefix = first.slice(0, prefix.length + 1);
    const text = await runCli(["report", prefix, "-c", file], { cwd: project.dir });
    expect(text.stdout).toContain(`run ${first}: degraded (exit 3)`);
    expect(text.stdout).toContain("bad: last 1 lines of output");
    expect(text.stdout).toContain('│ <b>boom</b> & "quotes"');
    const details = JSON.parse((await runCli(["report", first, "-c", file, "--format", "json"], { cwd: project.dir })).stdout);
    expect(details.stages.map((s: { stage: string; status: string }) => [s.stage, s.status])).toEqual([["ok", "ready"], ["bad", "failed"], ["after", "skipped"]]);
    const none = await runCli(["report", "nope", "-c", file], { cwd: project.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no run "nope"');
  });

  it("--output json works for every command that prints data: one compact object per line, nothing else on stdout", async () => {
    const file = project.write("startup.yaml", mixed);
    await runCli(["up", "-c", file], { cwd: project.dir });
    await runCli(["up", "-c", file, "ok"], { cwd: project.dir });
    const outputs = await Promise.all(["history", "report", "circuits", "validate", "plan", "doctor"].map((command) => runCli([command, "-c", file, "--output", "json"], { cwd: project.dir })));
    for (const [n, result] of outputs.entries()) {
      const lines = result.stdout.trimEnd().split("\n");
      expect(lines.length, result.stdout).toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line), `${n}: ${line}`).not.toThrow();
    }
    expect(outputs[0]?.stdout.trimEnd().split("\n")).toHaveLength(2); // history: one run per line
  });

  it("says so when nothing has run yet", async () => {
    const result = await runCli(["history"], { cwd: project.dir });
    expect(result).toMatchObject({ code: 0, stdout: "no runs recorded yet\n" });
  });
});

describe("down and prune", () => {
  it("down --undo runs the cleanups of the last run's ready stages, newest first, recorded as rollbacks; plain down runs none", async () => {
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n  a: { command: "true", cleanup: "echo a >> undo" }\n  b: { command: "true", depends_on: [a], cleanup: "echo b >> undo" }\n  c: { command: "true", depends_on: [b], cleanup: "echo c >> undo" }\n`,
    );
    expect((await runCli(["up", "-c", file], { cwd: project.dir })).code).toBe(0);
    const down = await runCli(["down", "-c", file], { cwd: project.dir });
    expect(down.code).toBe(0);
    expect(down.stdout).toBe("nothing left running by run " + queryDb<{ id: string }>(state, "SELECT id FROM runs")[0]!.id + "\nkept what a, b, c did: `netra-start down --undo` runs their cleanups\n");
    expect(existsSync(path.join(project.dir, "undo"))).toBe(false);
    const json = await runCli(["down", "-c", file, "--output", "json"], { cwd: project.dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ type: "down", stoppedGroups: 0, cleanupsNotRun: ["a", "b", "c"] });
    expect((await runCli(["down", "--undo", "-c", file], { cwd: project.dir })).code).toBe(0);
    expect(readFileSync(path.join(project.dir, "undo"), "utf8")).toBe("c\nb\na\n");
    expect(queryDb(state, "SELECT stage, seq, reason, status FROM rollbacks ORDER BY seq")).toEqual([
      { stage: "c", seq: 1, reason: "down", status: "ok" },
      { stage: "b", seq: 2, reason: "down", status: "ok" },
      { stage: "a", seq: 3, reason: "down", status: "ok" },
    ]);
  });

  it("prune keeps the newest runs and deletes the others' rows and logs; up applies it too", async () => {
    const file = project.write("startup.yaml", `version: 1\nsettings: { retention: { runs: 2 } }\nstages:\n  a: { command: "echo hi" }\n`);
    for (let i = 0; i < 4; i++) expect((await runCli(["up", "-c", file], { cwd: project.dir })).code).toBe(0);
    const kept = queryDb<{ id: string }>(state, "SELECT id FROM runs ORDER BY started_at");
    expect(kept).toHaveLength(2);
    expect(readdirSync(path.join(state, "logs")).sort()).toEqual(kept.map((k) => k.id).sort());
    expect(queryDb(state, "SELECT COUNT(*) AS n FROM stage_runs")).toEqual([{ n: 2 }]);
    // up moves pruned log folders to .pruned/ and deletes them in the background.
    await waitFor(() => !existsSync(path.join(state, ".pruned")));
    const prune = await runCli(["prune", "-c", file], { cwd: project.dir });
    expect(prune.stdout).toBe("nothing to prune (keeping 2 runs, 90 days)\n");
    expect(existsSync(path.join(state, "netra.db"))).toBe(true);
    expect(existsSync(path.join(state, ".pruned"))).toBe(false);
  });

  it("prune deletes the log folders before it returns", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  a: { command: "echo hi" }\n`);
    for (let i = 0; i < 3; i++) expect((await runCli(["up", "-c", file], { cwd: project.dir })).code).toBe(0);
    const fewer = project.write("fewer.yaml", `version: 1\nsettings: { retention: { runs: 1 } }\nstages:\n  a: { command: "echo hi" }\n`);
    const prune = await runCli(["prune", "-c", fewer, "--state-dir", state], { cwd: project.dir });
    expect(prune.stdout).toMatch(/^pruned 2 runs: /);
    expect(readdirSync(path.join(state, "logs"))).toHaveLength(1);
    expect(existsSync(path.join(state, ".pruned"))).toBe(false);
  });
});
