// Retention that cannot be applied, and run ids that would lead it out of the state dir.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { canMount, mountTmpfs, NEEDS_ROOT, remountReadOnly, unmountAll } from "../helpers/mounts.js";

let project: TempProject;
let state: string;
let config: string;
beforeEach(() => {
  project = tempProject("netra-prune-");
  state = path.join(project.dir, ".netra");
  config = project.write("startup.yaml", `version: 1\nsettings: { retention: { runs: 1 } }\nstages:\n  a: { command: "echo hi" }\n`);
});
afterEach(() => {
  unmountAll();
  project.cleanup();
});

const cli = (...args: string[]) => runCli([...args, "-c", config], { cwd: project.dir });
const withDb = (run: (db: Database.Database) => void) => {
  const db = new Database(path.join(state, "netra.db"));
  try {
    run(db);
  } finally {
    db.close();
  }
};
const insertRun = (db: Database.Database, id: string) =>
  db
    .prepare("INSERT INTO runs (id, started_at, finished_at, status, exit_code, config_path, config_hash, host, pid, name, command, stages_total) VALUES (?, '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:01.000Z', 'failed', 1, 'x', 'x', 'h', 1, 'n', 'up', 0)")
    .run(id);

describe("prune stays inside the state dir", () => {
  it("a crafted run id ../../victim loses its row, and nothing outside the state dir is deleted", async () => {
    const first = await cli("up", "--output", "plain");
    expect(first.code).toBe(0);
    const kept = /run (\S+) started/.exec(first.stdout)?.[1] as string;
    const victim = path.join(project.dir, "victim");
    mkdirSync(victim);
    writeFileSync(path.join(victim, "precious.txt"), "keep me\n");
    // Inside logs/, but another run's folder: the kept run's logs must stay too.
    withDb((db) => [insertRun(db, "../../victim"), insertRun(db, `x/../${kept}`)]);

    const prune = await cli("prune");
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toMatch(/pruned 2 runs: /);
    expect(prune.stderr).toContain(`warning: run id "../../victim" is not a folder name inside ${path.join(state, "logs")}: its row was deleted, no file was touched`);
    expect(prune.stderr).toContain(`warning: run id "x/../${kept}" is not a folder name inside`);
    expect(existsSync(path.join(victim, "precious.txt"))).toBe(true);
    expect(existsSync(path.join(state, "logs", kept, "a.log"))).toBe(true);
    expect(queryDb(state, "SELECT COUNT(*) AS n FROM runs WHERE id = '../../victim'")).toEqual([{ n: 0 }]);

    // And at the end of `up`, where retention runs in the background.
    withDb((db) => insertRun(db, "../../victim"));
    expect((await cli("up", "--output", "plain")).code).toBe(0);
    expect(existsSync(path.join(victim, "precious.txt"))).toBe(true);
  });
});

describe("a retention that fails is a warning, never a failed run", () => {
  it("the database refuses the delete: up still exits with the run's code", async () => {
    expect((await cli("up", "--output", "plain")).code).toBe(0);
    withDb((db) => db.exec("CREATE TRIGGER keep_runs BEFORE DELETE ON runs BEGIN SELECT RAISE(ABORT, 'runs are kept by policy'); END"));
    const up = await cli("up", "--output", "plain");
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain("warning: retention (settings.retention) could not be applied: runs are kept by policy; `netra-start prune` tries again");
    expect(up.stderr).not.toContain("internal error");
    expect(queryDb(state, "SELECT status FROM runs ORDER BY started_at")).toEqual([{ status: "ready" }, { status: "ready" }]);
  });

  it.skipIf(!canMount)(`a log folder that cannot be removed: prune warns and exits 0 (${canMount ? "read-only tmpfs" : NEEDS_ROOT})`, async () => {
    expect((await cli("up", "--output", "plain")).code).toBe(0);
    const [old] = readdirSync(path.join(state, "logs"));
    const folder = path.join(state, "logs", old as string);
    mountTmpfs(folder, 64);
    remountReadOnly(folder);
    // A newer run (by its start): with `runs: 1`, the real one is to go.
    withDb((db) => {
      insertRun(db, "zz-newer");
      db.prepare("UPDATE runs SET started_at = '2099-01-01T00:00:00.000Z' WHERE id = 'zz-newer'").run();
    });
    const prune = await cli("prune");
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toContain(`pruned 1 run: ${old}`);
    expect(prune.stderr).toMatch(new RegExp(`warning: could not remove ${folder}: E(BUSY|ROFS|PERM)`));
  });
});
