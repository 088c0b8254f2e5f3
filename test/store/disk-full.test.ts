// The disk filling up during a run, on a real small file system (a tmpfs): not a bug,
// said with the path and the room left; everything torn down, the lock released, the
// run recorded (from the space kept in reserve), exit 70.
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { canMount, mountTmpfs, NEEDS_ROOT, unmountAll } from "../helpers/mounts.js";
import { processesMatching } from "../helpers/processes.js";

let project: TempProject;
let state: string;
beforeEach(() => {
  project = tempProject("netra-full-");
  state = path.join(project.dir, ".netra");
  if (canMount) mountTmpfs(state, 2048);
});
afterEach(() => {
  unmountAll();
  project.cleanup();
});

const service = (marker: string) => `  svc: { kind: service, command: "sleep 300 # ${marker}" }\n`;

async function upAndCheck(config: string, marker: string, fullPath: RegExp) {
  const file = project.write("startup.yaml", config);
  const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
  expect(result.code, result.stderr).toBe(70);
  expect(result.stderr).toMatch(fullPath);
  expect(result.stderr).toContain("hint: free space on that file system");
  expect(result.stderr).not.toContain("This is a bug");
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(processesMatching(marker)).toEqual([]);
  expect(queryDb(state, "SELECT COUNT(*) AS n FROM lock")).toEqual([{ n: 0 }]);
  const [run] = queryDb<{ status: string; exit_code: number; note: string }>(state, "SELECT status, exit_code, note FROM runs");
  expect(run).toMatchObject({ status: "failed", exit_code: 70 });
  expect(run?.note).toContain("the disk is full");
  return result;
}

describe.skipIf(!canMount)(`a disk that fills up during a run (${canMount ? "tmpfs" : NEEDS_ROOT})`, () => {
  it("a stage's log fills it (ENOSPC): exit 70 naming the log and the room left, services stopped, lock released, run recorded", async () => {
    const marker = `netra-full-log-${process.pid}`;
    const noisy = `  noisy: { depends_on: [svc], command: "head -c 4000000 /dev/zero | tr '\\\\0' x" }\n`;
    await upAndCheck(`version: 1\nstages:\n${service(marker)}${noisy}`, marker, new RegExp(`error: the disk is full: cannot write ${state}/logs/[^/]+/noisy\\.log \\(\\d[^)]* free there\\)`));
  });

  it("the report database cannot grow (SQLITE_FULL): exit 70 naming the database, not a bug", async () => {
    const marker = `netra-full-db-${process.pid}`;
    // Leaves two blocks, not enough for the database's next commit. Every stage here is
    // silent, so none has a log file to write: the database is what meets the full disk
    // (were `head` to print "No space left", its log would, and the test would race).
    const fill = `  fill: { depends_on: [svc], command: "head -c $(( $(df -B1 --output=avail .netra | tail -1) - 8192 )) /dev/zero > .netra/filler 2>/dev/null; true" }\n`;
    const after = `  after: { depends_on: [fill], command: "true" }\n`;
    await upAndCheck(`version: 1\nstages:\n${service(marker)}${fill}${after}`, marker, new RegExp(`error: the disk is full: cannot write ${state}/netra\\.db \\(\\d[^)]* free there\\)`));
  });
});
