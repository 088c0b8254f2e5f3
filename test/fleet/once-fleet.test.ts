// `once: fleet` against a real PostgreSQL: eight supervisors on one machine, each with its
// own state dir and host name, start the same graph at once; the migration runs on one of
// them, the others wait for it and take its result (docs/fleet.md). One cluster serves
// every test of this file; each test has its own scope, so their results never meet.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type CliResult, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { eventsOf, parseEvents } from "../helpers/events.js";
import { freePort } from "../helpers/ports.js";
import { startPostgres, type PgCluster } from "../helpers/postgres.js";
import { processesMatching, waitFor } from "../helpers/processes.js";

const HOSTS = 8;
let pg: PgCluster;
let project: TempProject;
let scopeNo = 0;

beforeAll(async () => {
  pg = await startPostgres();
  pg.psql("CREATE TABLE migrations (host text NOT NULL, scope text NOT NULL)");
}, 60_000);
afterAll(() => pg?.destroy());
beforeEach(() => {
  project = tempProject("netra-fleet-");
});
afterEach(() => project.cleanup());

// The migration announces itself (its pid, in a file named after its host), waits for the
// test to let it go, inserts its row and writes an output; with a `fail` file it fails.
const MIGRATE = `
echo $$ > "$MARK/started-$NETRA_START_HOST"
while [ ! -e "$MARK/release" ]; do sleep 0.02; done
if [ -e "$MARK/fail" ]; then echo "migration 0042 failed: relation \\"orders\\" already exists" >&2; exit 3; fi
psql "$DATABASE_URL" -qc "INSERT INTO migrations VALUES ('$NETRA_START_HOST', '$1')"
echo "SCHEMA=42" >> "$NETRA_OUTPUT"
`;

function config(scope: string, extra = ""): string {
  project.write("migrate.sh", MIGRATE);
  return project.write(
    "startup.yaml",
    `version: 1
settings:
  coordination:
    postgres: "\${DATABASE_URL}"
    scope: ${scope}
stages:
  migrate:
    once: fleet
    retries: 0
    command: sh ./migrate.sh ${scope}
${extra}  app:
    depends_on: [migrate]
    command: echo "schema $NETRA_MIGRATE_SCHEMA" > "$MARK/app-$NETRA_START_HOST"
`,
  );
}

interface Host {
  name: string;
  stateDir: string;
  pid: number;
  stdout: string;
  done: Promise<CliResult>;
}

function startHost(name: string, configPath: string, url = pg.url, output = "plain"): Host {
  const host = { name, stateDir: path.join(project.dir, `state-${name}`), pid: 0, stdout: "" } as Host;
  host.done = runCli(["up", "-c", configPath, "--state-dir", host.stateDir, "--output", output], {
    env: { NETRA_START_HOST: name, DATABASE_URL: url, MARK: project.dir },
    onSpawn: (pid) => (host.pid = pid),
    onStdout: (text) => (host.stdout = text),
    timeoutMs: 60_000,
  });
  return host;
}

const started = () => readdirSync(project.dir).filter((f) => f.startsWith("started-"));
const nextScope = () => `fleet-test-${process.pid}-${++scopeNo}`;

// Eight hosts up at once; resolves when one runs the migration and the seven others say
// they wait for it (so the result they take cannot be one recorded before they came).
async function startFleet(scope: string, extra = ""): Promise<{ hosts: Host[]; holder: Host }> {
  const file = config(scope, extra);
  const hosts = Array.from({ length: HOSTS }, (_, i) => startHost(`host-${i + 1}`, file));
  await waitFor(() => started().length === 1, 30_000);
  const holder = hosts.find((h) => started()[0] === `started-${h.name}`) as Host;
  await waitFor(() => hosts.filter((h) => h.stdout.includes(`waiting for ${holder.name} to finish migrate`)).length === HOSTS - 1, 30_000);
  return { hosts, holder };
}

const release = () => project.write("release", "");

describe("once: fleet", () => {
  it("eight supervisors: the migration runs exactly once, the seven others wait for it and take its outputs", async () => {
    const scope = nextScope();
    const { hosts, holder } = await startFleet(scope);
    expect(holder.stdout).not.toContain("waiting for");
    release();
    const results = await Promise.all(hosts.map((h) => h.done));
    for (const [i, result] of results.entries()) expect(result.code, `${hosts[i]?.name}: ${result.stdout}${result.stderr}`).toBe(0);

    expect(pg.psql(`SELECT host FROM migrations WHERE scope = '${scope}'`)).toBe(holder.name);
    expect(started()).toEqual([`started-${holder.name}`]);
    for (const h of hosts) {
      // Every host's dependents got the holder's output, and its own database says ready.
      expect(readFileSync(path.join(project.dir, `app-${h.name}`), "utf8")).toBe("schema 42\n");
      expect(queryDb(h.stateDir, "SELECT stage, status FROM stage_runs ORDER BY position")).toEqual([
        { stage: "migrate", status: "ready" },
        { stage: "app", status: "ready" },
      ]);
    }
    expect(pg.psql(`SELECT status, host, outputs FROM netra_once_results WHERE scope = '${scope}'`)).toBe(`ready|${holder.name}|{"SCHEMA": "42"}`);
  }, 90_000);

  it("kill -9 of the holder mid-stage: its lock goes with its session and another host finishes the migration", async () => {
    const scope = nextScope();
    const { hosts, holder } = await startFleet(scope);
    // The holder's whole container dies: the supervisor and the migration it started.
    const migrationPid = Number(readFileSync(path.join(project.dir, `started-${holder.name}`), "utf8"));
    const pgid = Number(readFileSync(`/proc/${migrationPid}/stat`, "utf8").split(") ")[1]?.split(" ")[2]);
    process.kill(holder.pid, "SIGKILL");
    process.kill(-pgid, "SIGKILL");
    await waitFor(() => started().length === 2, 30_000);
    release();
    const results = await Promise.all(hosts.map((h) => h.done));
    const successor = hosts.find((h) => h !== holder && existsSync(path.join(project.dir, `started-${h.name}`))) as Host;
    expect(results[hosts.indexOf(holder)]?.signal).toBe("SIGKILL");
    for (const h of hosts.filter((x) => x !== holder)) expect((await h.done).code, h.stdout).toBe(0);
    expect(pg.psql(`SELECT host FROM migrations WHERE scope = '${scope}'`)).toBe(successor.name);
    expect(pg.psql(`SELECT status, host FROM netra_once_results WHERE scope = '${scope}'`)).toBe(`ready|${successor.name}`);
    expect(processesMatching(scope)).toEqual([]);
  }, 90_000);

  it("a failing migration fails all eight with the holder's error", async () => {
    const scope = nextScope();
    project.write("fail", "");
    const { hosts, holder } = await startFleet(scope);
    release();
    const results = await Promise.all(hosts.map((h) => h.done));
    for (const [i, result] of results.entries()) {
      const h = hosts[i] as Host;
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toContain(h === holder ? "[migrate] FAILED after 1 attempt: exit code 3" : `[migrate] FAILED after 1 attempt: exit code 3 (on ${holder.name})`);
      expect(queryDb(h.stateDir, "SELECT status, error FROM stage_runs WHERE stage = 'migrate'")).toEqual([{ status: "failed", error: h === holder ? "exit code 3" : `exit code 3 (on ${holder.name})` }]);
    }
    expect(started()).toEqual([`started-${holder.name}`]);
    expect(pg.psql(`SELECT count(*) FROM migrations WHERE scope = '${scope}'`)).toBe("0");
  }, 90_000);

  it("a secret output is refused, never stored in PostgreSQL", async () => {
    const scope = nextScope();
    config(scope);
    project.write("migrate.sh", `${MIGRATE}\necho "DB_PASSWORD=hunter2-very-secret" >> "$NETRA_OUTPUT"\n`);
    release();
    const result = await startHost("host-1", path.join(project.dir, "startup.yaml")).done;
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toContain("once: fleet stage migrate wrote secret output DB_PASSWORD; they are not shared through PostgreSQL");
    expect(pg.psql(`SELECT status FROM netra_once_results WHERE scope = '${scope}'`)).toBe("failed");
    expect(pg.psql(`SELECT count(*) FROM netra_once_results WHERE outputs::text LIKE '%hunter2%' OR error LIKE '%hunter2%'`)).toBe("0");
  }, 30_000);

  it("once_timeout: a host that waits longer gives up with what to do, and the holder goes on", async () => {
    const scope = nextScope();
    const file = config(scope, "    once_timeout: 1s\n");
    const holder = startHost("host-1", file);
    await waitFor(() => started().length === 1, 30_000);
    const waiter = await startHost("host-2", file).done;
    expect(waiter.code, waiter.stdout).toBe(1);
    expect(waiter.stdout).toContain("[migrate] waiting for host-1 to finish migrate");
    expect(waiter.stdout).toMatch(/FAILED after 0 attempts: gave up waiting for host-1 to finish migrate after 1\.00s \(stages\.migrate\.once_timeout\); raise once_timeout/);
    // --output json: the wait is an event, and the failure says the same.
    const events = parseEvents((await startHost("host-3", file, pg.url, "json").done).stdout);
    expect(eventsOf(events, "fleet-waiting", "migrate")).toEqual([expect.objectContaining({ holder: "host-1", scope })]);
    expect(eventsOf(events, "stage-failed", "migrate")[0]).toMatchObject({ reason: "coordination", error: expect.stringContaining("gave up waiting for host-1 to finish migrate") });
    release();
    expect((await holder.done).code).toBe(0);
  }, 60_000);

  it("an unreachable database: the stage fails saying which URL, where it is configured and what to do", async () => {
    const file = config(nextScope());
    const result = await startHost("host-1", file, `postgres://fleet:s3cret-pass@127.0.0.1:${await freePort()}/postgres`).done;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/cannot reach the coordination database postgres:\/\/fleet:\*\*\*@127\.0\.0\.1:\d+\/postgres \(settings\.coordination\.postgres, .*startup\.yaml:4:15\): .*ECONNREFUSED.*; start PostgreSQL or fix the URL/);
    expect(result.stdout + result.stderr).not.toContain("s3cret-pass");
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("a database migrated by a newer netra-start is refused with the versions and what to do", async () => {
    pg.psql("CREATE DATABASE newer");
    pg.psql("CREATE TABLE netra_fleet_schema (version integer NOT NULL); INSERT INTO netra_fleet_schema VALUES (99)", "newer");
    const result = await startHost("host-1", config(nextScope()), pg.url.replace(/\/postgres$/, "/newer")).done;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/schema version mismatch: the coordination database .*\/newer \(settings\.coordination\.postgres, .*startup\.yaml:4:15\) holds netra-start's fleet tables at version 99, this netra-start knows up to \d+; upgrade netra-start/);
    expect(started()).toEqual([]);
  }, 30_000);

  it("report_store: postgres copies every host's runs, stage_runs, attempts and health rows; history --fleet lists them all", async () => {
    const scope = nextScope();
    const file = project.write(
      "report.yaml",
      `version: 1\nsettings:\n  report_store: postgres\n  coordination: { postgres: "\${DATABASE_URL}", scope: ${scope} }\nstages:\n  setup:\n    command: "true"\n    health: { command: "true" }\n`,
    );
    const hosts = ["web-1", "web-2", "web-3"];
    const results = await Promise.all(hosts.map((name) => startHost(name, file).done));
    for (const result of results) expect(result.code, result.stdout + result.stderr).toBe(0);
    const listed = await runCli(["history", "--fleet", "-c", file, "--format", "json"], { env: { DATABASE_URL: pg.url } });
    expect(listed.code, listed.stderr).toBe(0);
    const runs = listed.stdout.trim().split("\n").map((line) => JSON.parse(line) as { host: string; id: string; status: string; ready: number; stages_total: number });
    for (const name of hosts) {
      const local = queryDb<{ id: string }>(path.join(project.dir, `state-${name}`), "SELECT id FROM runs")[0]?.id;
      expect(runs.filter((r) => r.host === name)).toEqual([expect.objectContaining({ id: local, status: "ready", ready: 1, stages_total: 1 })]);
      expect(pg.psql(`SELECT count(*) FROM netra_stage_runs WHERE host = '${name}' AND run_id = '${local}'`)).toBe("1");
      expect(pg.psql(`SELECT count(*) FROM netra_attempts WHERE host = '${name}' AND run_id = '${local}' AND outcome = 'ok'`)).toBe("1");
      expect(pg.psql(`SELECT count(*) FROM netra_health_checks WHERE host = '${name}' AND run_id = '${local}' AND ok = 1`)).toBe("1");
    }
    const text = await runCli(["history", "--fleet", "-c", file], { env: { DATABASE_URL: pg.url } });
    expect(text.stdout).toMatch(/^HOST +RUN +STARTED +STATUS/);
    for (const name of hosts) expect(text.stdout).toMatch(new RegExp(`^${name} +\\S+ +\\S+ \\S+ +ready +0 `, "m"));
    // report --fleet reads any host's run back, in every format.
    const other = runs.find((r) => r.host === "web-2") as { id: string };
    const report = await runCli(["report", "--fleet", other.id, "-c", file, "--format", "json"], { env: { DATABASE_URL: pg.url } });
    expect(report.code, report.stderr).toBe(0);
    const details = JSON.parse(report.stdout) as { run: { host: string; id: string }; stages: { stage: string; status: string }[]; attempts: unknown[]; health: unknown[] };
    expect(details.run).toMatchObject({ host: "web-2", id: other.id });
    expect(details.stages).toEqual([expect.objectContaining({ stage: "setup", status: "ready" })]);
    expect([details.attempts.length, details.health.length]).toEqual([1, 1]);
    const junit = await runCli(["report", "--fleet", other.id, "-c", file, "--format", "junit"], { env: { DATABASE_URL: pg.url } });
    expect(junit.stdout).toMatch(/<testsuite [^>]*hostname="web-2"[^]*<testcase [^>]*name="setup"/);
  }, 60_000);

  it("report_store: a database that will not take the rows is a warning, never the run's exit code; the next up copies what was missed", async () => {
    const scope = nextScope();
    const file = project.write("report.yaml", `version: 1\nsettings:\n  report_store: postgres\n  coordination: { postgres: "\${DATABASE_URL}", scope: ${scope} }\nstages:\n  setup:\n    command: "true"\n`);
    const missed = await startHost("web-9", file, `postgres://fleet@127.0.0.1:${await freePort()}/postgres`).done;
    expect(missed.code, missed.stderr).toBe(0);
    expect(missed.stderr).toMatch(/warning: the report store postgres:\/\/fleet@127\.0\.0\.1:\d+\/postgres \(settings\.report_store, postgres at .*report\.yaml:4:\d+\) did not take this host's runs after 3 tries: cannot reach .*ECONNREFUSED.*; they stay in the local report database and the next up copies them/);
    const next = await startHost("web-9", file).done;
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toBe("");
    expect(pg.psql("SELECT count(*) FROM netra_runs WHERE host = 'web-9'")).toBe("2");
  }, 60_000);

  it("a user that may not create the tables: the message says the server refused, and why", async () => {
    pg.psql("CREATE ROLE reader LOGIN");
    pg.psql("CREATE DATABASE locked");
    const result = await startHost("host-1", config(nextScope()), `postgres://reader@127.0.0.1:${pg.port}/locked`).done;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/the coordination database postgres:\/\/reader@127\.0\.0\.1:\d+\/locked \(settings\.coordination\.postgres, .*startup\.yaml:4:15\) refused a statement while preparing migrate: permission denied for schema public \(SQLSTATE 42501\); the user in the URL must be able to create/);
    expect(started()).toEqual([]);
  }, 30_000);

  // Last: it stops the cluster.
  it("PostgreSQL stopped mid-wait: every host exits saying so, and nothing is left running", async () => {
    const scope = nextScope();
    const { hosts, holder } = await startFleet(scope);
    pg.stop();
    const results = await Promise.all(hosts.map((h) => h.done));
    for (const [i, result] of results.entries()) {
      const h = hosts[i] as Host;
      expect(result.code, result.stdout + result.stderr).toBe(1);
      const doing = h === holder ? "running migrate \\(it was stopped here; another host may run it\\)" : `waiting for ${holder.name} to finish migrate`;
      expect(result.stdout).toMatch(new RegExp(`lost the coordination database postgres://fleet@127\\.0\\.0\\.1:\\d+/postgres \\(settings\\.coordination\\.postgres, .*startup\\.yaml:4:15\\) while ${doing}: .*; check that PostgreSQL is running`));
      expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(processesMatching(scope)).toEqual([]);
    pg.start();
  }, 90_000);
});
