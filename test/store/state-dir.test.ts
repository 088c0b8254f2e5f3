// State dirs that cannot be used, and readers that must not need to write: a file where
// the state dir or logs/ should be, a read-only mount, no database yet, bad counts.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { canMount, mountTmpfs, NEEDS_ROOT, remountReadOnly, unmountAll } from "../helpers/mounts.js";

let project: TempProject;
let state: string;
let config: string;
beforeEach(() => {
  project = tempProject("netra-state-");
  state = path.join(project.dir, ".netra");
  config = project.write("startup.yaml", `version: 1\nstages:\n  a: { command: "echo a-ran > ran.txt" }\n`);
});
afterEach(() => {
  unmountAll();
  project.cleanup();
});

const cli = (...args: string[]) => runCli([...args, "-c", config], { cwd: project.dir });
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at |internal error/);

describe("a state dir that cannot be used: exit 2 with the path and the fix, nothing run", () => {
  it("the state dir is a regular file — and doctor says so instead of 'writable'", async () => {
    writeFileSync(state, "not a folder\n");
    const up = await cli("up", "--output", "plain");
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(`error: the state dir ${state} is a file, not a directory: move it away (mv ${state} ${state}.old)`);
    expect(up.stderr).toContain("hint: fix that, or choose another state dir with --state-dir");
    noStack(up.stderr);
    expect(up.stdout).toBe("");

    const doctor = await cli("doctor");
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`✖ state dir ${state} is a file, not a directory`);
    expect(doctor.stdout).not.toContain("is writable");
    for (const reader of ["history", "report"]) {
      const result = await cli(reader);
      expect(result.code, reader).toBe(2);
      expect(result.stderr).toContain(`the state dir ${state} is a file, not a directory`);
    }
  });

  it("its logs dir is a regular file", async () => {
    mkdirSync(state);
    writeFileSync(path.join(state, "logs"), "");
    const up = await cli("up", "--output", "plain");
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(`error: the logs dir ${path.join(state, "logs")} is a file, not a directory`);
    noStack(up.stderr);
    const doctor = await cli("doctor");
    expect(doctor.stdout).toContain(`✖ logs dir ${path.join(state, "logs")} is a file, not a directory`);
  });
});

describe.skipIf(!canMount)(`a read-only state dir (${canMount ? "a tmpfs remounted read-only" : NEEDS_ROOT})`, () => {
  it("up exits 2 naming it; history, report and doctor still read what it holds", async () => {
    mountTmpfs(state, 4096);
    const first = await cli("up", "--output", "plain");
    expect(first.code, first.stderr).toBe(0);
    const runId = /run (\S+) started/.exec(first.stdout)?.[1] as string;
    remountReadOnly(state);

    const up = await cli("up", "--output", "plain");
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(`error: the state dir ${state} is not writable (read-only file system): remount it read-write`);
    noStack(up.stderr);

    const history = await cli("history");
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toContain(runId);
    const report = await cli("report", "--format", "json");
    expect(report.code, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout).run.id).toBe(runId);
    const doctor = await cli("doctor");
    expect(doctor.stdout).toContain(`✖ state dir ${state} cannot be written (${state} is on a read-only file system)`);
    expect(doctor.stdout).toContain("✔ report database ok: 1 run recorded");
  });
});

describe("readers without a database, and count flags", () => {
  it("history and report say there are no runs yet, and create nothing", async () => {
    const history = await cli("history");
    expect(history).toMatchObject({ code: 0, stdout: "no runs recorded yet\n" });
    expect((await cli("history", "--format", "json")).stdout).toBe(""); // JSON Lines: no run, no line
    const report = await cli("report");
    expect(report.code).toBe(2);
    expect(report.stderr).toContain("error: no runs recorded yet");
    const doctor = await cli("doctor");
    expect(doctor.stdout).toContain("no report database yet");
    expect(existsSync(state)).toBe(false);
  });

  it("history --limit and prune --keep take whole numbers from 1 to 1000000 (exit 2 otherwise)", async () => {
    const values = ["99999999999999999999", "1.5", "0", "1000001"];
    const results = await Promise.all(values.flatMap((value) => [cli("history", "--limit", value), cli("prune", "--keep", value)]));
    values.forEach((value, n) => {
      const [history, prune] = [results[2 * n], results[2 * n + 1]];
      expect(history?.code, value).toBe(2);
      expect(history?.stderr).toContain(`error: --limit must be a whole number between 1 and 1000000, got "${value}"`);
      expect(prune?.code, value).toBe(2);
      expect(prune?.stderr).toContain(`error: --keep must be a whole number between 1 and 1000000, got "${value}"`);
    });
    expect((await cli("history", "--limit", "1000000")).code).toBe(0);
  });
});
