// Tasks with `inputs:`/`creates:` are skipped while up to date: through the built CLI,
// with real files, real processes and the real report database.
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { runOnTerminal } from "../helpers/terminal.js";

let project: TempProject;
let state: string;
beforeEach(() => {
  project = tempProject("netra-fresh-");
  state = path.join(project.dir, ".netra");
});
afterEach(() => project.cleanup());

const cli = (args: string[]) => runCli([...args, "-c", path.join(project.dir, "startup.yaml"), "--output", "plain"], { cwd: project.dir });
const up = (...args: string[]) => cli(["up", ...args]);
/** How many times a stage's command ran: each run appends a line to runs/<stage>. */
const ranTimes = (stage: string) => (existsSync(path.join(project.dir, "runs", stage)) ? readFileSync(path.join(project.dir, "runs", stage), "utf8").split("\n").length - 1 : 0);
const lastRows = () => queryDb<{ stage: string; status: string; up_to_date: number; why: string | null; attempts: number; duration_ms: number | null }>(state, "SELECT stage, status, up_to_date, why, attempts, duration_ms FROM stage_runs WHERE run_id = (SELECT id FROM runs ORDER BY started_at DESC LIMIT 1) ORDER BY position");

const MIGRATIONS = `version: 1
defaults: { retries: 0 }
stages:
  migrate:
    command: 'mkdir -p runs && echo x >> runs/migrate && cat db/migrations/*.sql > schema.txt'
    inputs: [db/migrations/*.sql]
    creates: [schema.txt]
`;

describe("up-to-date tasks", () => {
  it("skips a task whose inputs are unchanged, and runs it again when one input file changes, saying which", async () => {
    project.write("startup.yaml", MIGRATIONS);
    project.write("db/migrations/0041.sql", "create table a;\n");
    project.write("db/migrations/0042.sql", "create table b;\n");

    const first = await up();
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("[migrate] started: no previous run");
    expect(ranTimes("migrate")).toBe(1);

    const second = await up();
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/\[migrate\] up to date: not run/);
    expect(second.stdout).toMatch(/migrate\s+✔ up to date/);
    expect(ranTimes("migrate")).toBe(1);
    // No duration: the scheduling estimates read only the runs that ran it.
    expect(lastRows()).toEqual([{ stage: "migrate", status: "ready", up_to_date: 1, why: "up to date", attempts: 0, duration_ms: null }]);
    const report = await cli(["report"]);
    expect(report.stdout).toMatch(/migrate\s+✔ up to date/);

    project.write("db/migrations/0042.sql", "create table b2;\n");
    const plan = await cli(["plan"]);
    expect(plan.stdout).toMatch(/migrate\s+run: inputs changed: db\/migrations\/0042\.sql/);
    const third = await up();
    expect(third.code).toBe(0);
    expect(third.stdout).toContain("[migrate] started: inputs changed: db/migrations/0042.sql");
    expect(third.stdout).toMatch(/migrate\s+✔ ready\s+inputs changed: db\/migrations\/0042\.sql/);
    expect(ranTimes("migrate")).toBe(2);
    expect(lastRows()).toEqual([{ stage: "migrate", status: "ready", up_to_date: 0, why: "inputs changed: db/migrations/0042.sql", attempts: 1, duration_ms: expect.any(Number) }]);

    const planJson = JSON.parse((await runCli(["plan", "-c", path.join(project.dir, "startup.yaml"), "--format", "json"], { cwd: project.dir })).stdout) as { stages: { freshness?: unknown }[] };
    expect(planJson.stages[0]?.freshness).toEqual({ upToDate: true, reason: "up to date" });
  });

  it("replays the recorded outputs to a dependent, the secret one from a 0600 file and never into the database", async () => {
    const secret = "pw-5f1e9a77c3-never-in-the-db";
    project.write(
      "startup.yaml",
      `version: 1
defaults: { retries: 0 }
stages:
  provision:
    command: 'mkdir -p runs && echo x >> runs/provision && printf "DB_PASSWORD=${secret}\\nDB_HOST=db.internal\\n" > "$NETRA_OUTPUT"'
    inputs: [provision.conf]
  app:
    depends_on: [provision]
    command: 'echo "$NETRA_PROVISION_DB_HOST $NETRA_PROVISION_DB_PASSWORD" > app-saw.txt'
`,
    );
    project.write("provision.conf", "size=small\n");
    expect((await up()).code).toBe(0);
    rmSync(path.join(project.dir, "app-saw.txt"));

    const second = await runCli(["up", "-c", path.join(project.dir, "startup.yaml"), "--output", "json"], { cwd: project.dir });
    expect(second.code).toBe(0);
    expect(ranTimes("provision")).toBe(1);
    expect(readFileSync(path.join(project.dir, "app-saw.txt"), "utf8")).toBe(`db.internal ${secret}\n`);
    // The event shows the replayed outputs masked, like any secret output.
    expect(second.stdout).toContain('"type":"stage-up-to-date"');
    expect(second.stdout).not.toContain(secret);

    const outputsFile = path.join(state, "fresh", "provision.outputs.json");
    expect(statSync(outputsFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(outputsFile, "utf8")).toContain(secret);
    for (const file of ["netra.db", "netra.db-wal", "netra.db-shm"]) {
      const full = path.join(state, file);
      if (existsSync(full)) expect(readFileSync(full).includes(Buffer.from(secret))).toBe(false);
    }
  });

  it("--force runs every task with inputs, --force STAGE only that one", async () => {
    project.write(
      "startup.yaml",
      `version: 1
defaults: { retries: 0 }
stages:
  a: { command: 'mkdir -p runs && echo x >> runs/a', inputs: [a.txt] }
  b: { command: 'mkdir -p runs && echo x >> runs/b', inputs: [b.txt], depends_on: [a] }
`,
    );
    project.write("a.txt", "a");
    project.write("b.txt", "b");
    expect((await up()).code).toBe(0);
    expect((await up()).stdout).toMatch(/\[b\] up to date/);
    expect([ranTimes("a"), ranTimes("b")]).toEqual([1, 1]);

    const all = await up("--force");
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("[a] started: forced (--force)");
    expect([ranTimes("a"), ranTimes("b")]).toEqual([2, 2]);

    const one = await up("--force", "b");
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/\[a\] up to date/);
    expect(one.stdout).toContain("[b] started: forced (--force)");
    expect([ranTimes("a"), ranTimes("b")]).toEqual([2, 3]);

    const unknown = await up("--force", "bb");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--force: unknown stage "bb"');
    expect(unknown.stderr).toContain('did you mean "b"?');
  });

  it("runs a task again when a path it creates is missing", async () => {
    project.write("startup.yaml", MIGRATIONS);
    project.write("db/migrations/0001.sql", "create table a;\n");
    expect((await up()).code).toBe(0);
    rmSync(path.join(project.dir, "schema.txt"));
    const again = await up();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("[migrate] started: creates missing: schema.txt");
    expect(ranTimes("migrate")).toBe(2);
    expect(existsSync(path.join(project.dir, "schema.txt"))).toBe(true);
  });

  it("a failed run is not the last successful one: the task runs until it succeeds", async () => {
    project.write(
      "startup.yaml",
      `version: 1
defaults: { retries: 0 }
stages:
  check:
    command: 'mkdir -p runs && echo x >> runs/check && grep -qx ok input.txt'
    inputs: [input.txt]
`,
    );
    project.write("input.txt", "ok\n");
    expect((await up()).code).toBe(0);
    const firstRun = queryDb<{ id: string }>(state, "SELECT id FROM runs")[0]?.id;

    project.write("input.txt", "bad\n");
    expect((await up()).code).toBe(1);
    const again = await up();
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("[check] started: inputs changed: input.txt");
    expect(ranTimes("check")).toBe(3);
    expect(queryDb(state, "SELECT run_id FROM stage_fingerprints WHERE stage = 'check'")).toEqual([{ run_id: firstRun }]);
  });

  it("a rollback that runs its cleanup makes the task run next time, up to date or not", async () => {
    const config = (failing: boolean) => `version: 1
defaults: { retries: 0 }
stages:
  seed:
    command: 'mkdir -p runs && echo x >> runs/seed'
    cleanup: 'echo undone > undone.txt'
    inputs: [seed.sql]
  smoke: { command: '${failing ? "exit 3" : "true"}', depends_on: [seed] }
`;
    project.write("seed.sql", "insert;\n");
    project.write("startup.yaml", config(false));
    expect((await up()).code).toBe(0);
    project.write("startup.yaml", config(true));
    const failed = await up();
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/\[seed\] up to date/);
    expect(readFileSync(path.join(project.dir, "undone.txt"), "utf8")).toBe("undone\n");
    project.write("startup.yaml", config(false));
    const again = await up();
    expect(again.stdout).toContain("[seed] started: no previous run");
    expect(ranTimes("seed")).toBe(2);
  });

  it("the live view gives an up-to-date task one permanent line and says so in the summary", async () => {
    project.write("startup.yaml", MIGRATIONS);
    project.write("db/migrations/0001.sql", "create table a;\n");
    expect((await up()).code).toBe(0);
    const run = await runOnTerminal(["up", "-c", "startup.yaml", "--output", "tty"], { cwd: project.dir, columns: 100 });
    expect(run.code).toBe(0);
    expect(run.screen).toContain("✔ migrate up to date");
    expect(run.screen.some((line) => /^migrate\s+✔ up to date/.test(line))).toBe(true);
    expect(ranTimes("migrate")).toBe(1);
  });

  it("inputs on a service is a config error, located, exit 2", async () => {
    project.write("startup.yaml", `version: 1\nstages:\n  api:\n    kind: service\n    command: sleep 5\n    inputs: [src/*.js]\n`);
    const result = await runCli(["validate", "-c", path.join(project.dir, "startup.yaml")], { cwd: project.dir });
    expect(result.code).toBe(2);
    const said = result.stdout + result.stderr;
    expect(said).toMatch(/startup\.yaml:6:5 stages\.api\.inputs: inputs applies only to tasks/);
    expect(said).not.toMatch(/\n\s+at /);
  });
});
