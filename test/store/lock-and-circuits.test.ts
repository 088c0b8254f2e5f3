// The run lock and the circuit breakers, across real processes and runs.
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { waitFor } from "../helpers/processes.js";
import { queryDb } from "../helpers/db.js";

let project: TempProject;
let state: string;
beforeEach(() => {
  project = tempProject("netra-lock-");
  state = path.join(project.dir, ".netra");
});
afterEach(() => project.cleanup());

describe("the run lock", () => {
  it("five ups at once: exactly one runs, four exit 4 naming the holder", async () => {
    // The holder stays long enough that even a CLI slow to start on a loaded machine
    // arrives while it runs.
    const file = project.write("startup.yaml", `version: 1\nstages:\n  hold: { command: "sleep 3" }\n`);
    const results = await Promise.all(Array.from({ length: 5 }, () => runCli(["up", "-c", file], { cwd: project.dir })));
    const codes = results.map((r) => r.code).sort();
    expect(codes, JSON.stringify(results.map((r) => [r.code, r.stderr.slice(0, 300)]))).toEqual([0, 4, 4, 4, 4]);
    for (const locked of results.filter((r) => r.code === 4)) {
      expect(locked.stderr).toMatch(new RegExp(`another run holds the lock on ${state}: pid \\d+ on ${hostname()} \\(\`netra-start up\`, run \\S+\\) since \\d{4}-\\d\\d-\\d\\dT\\S+Z, [\\d.hms]+ ago\n`));
      // A holder on this host is not offered --force-unlock: it can be checked, and it runs.
      expect(locked.stderr).not.toContain("--force-unlock");
      expect(locked.stderr).toContain("--wait-lock");
    }
    expect(queryDb(state, "SELECT COUNT(*) AS n FROM runs")).toEqual([{ n: 1 }]);
    expect(queryDb(state, "SELECT COUNT(*) AS n FROM lock")).toEqual([{ n: 0 }]);
  });

  it("--wait-lock waits for the holder to finish", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  hold: { command: "sleep 1" }\n`);
    let seen = "";
    const first = runCli(["up", "-c", file], { cwd: project.dir, onStdout: (text) => (seen = text) });
    // Once its stage runs, the first one holds the lock.
    await waitFor(() => seen.includes("[hold] started"));
    const second = await runCli(["up", "-c", file, "--wait-lock", "10s"], { cwd: project.dir });
    expect((await first).code).toBe(0);
    expect(second.code).toBe(0);
    expect(queryDb(state, "SELECT COUNT(*) AS n FROM runs WHERE status = 'ready'")).toEqual([{ n: 2 }]);
  });

  it("takes over a lock whose holder died, with a warning", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  a: { command: "true" }\n`);
    expect((await runCli(["up", "-c", file], { cwd: project.dir })).code).toBe(0);
    const dead = spawnSync("true").pid as number; // a pid that no longer runs
    const db = new Database(path.join(state, "netra.db"));
    db.prepare("INSERT INTO lock (id, pid, host, acquired_at, proc_start, run_id, command) VALUES (1, ?, ?, '2026-01-01T00:00:00.000Z', '1', NULL, 'up')").run(dead, hostname());
    db.close();
    const result = await runCli(["up", "-c", file], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`warning: took over the lock from pid ${dead} on ${hostname()} \\(\`netra-start up\`\\) since 2026-01-01T00:00:00.000Z, \\d+h\\d\\dm ago, which is no longer running`));
  });
});

describe("a lock held from another host (a shared state dir)", () => {
  const lockFrom = (host: string, pid: number) => {
    const db = new Database(path.join(state, "netra.db"));
    db.prepare("INSERT INTO lock (id, pid, host, acquired_at, proc_start, run_id, command) VALUES (1, ?, ?, ?, '1', 'run-elsewhere', 'up')").run(pid, host, new Date(Date.now() - 3 * 3600_000).toISOString());
    db.close();
  };

  it("is described with host, pid and age; doctor offers --force-unlock; up --force-unlock takes it", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  a: { command: "true" }\n`);
    expect((await runCli(["up", "-c", file], { cwd: project.dir })).code).toBe(0);
    lockFrom("build-07", 4242);

    const blocked = await runCli(["up", "-c", file], { cwd: project.dir });
    expect(blocked.code).toBe(4);
    expect(blocked.stderr).toMatch(/another run holds the lock on \S+: pid 4242 on build-07 \(`netra-start up`, run run-elsewhere\) since \S+Z, 3h00m ago/);
    expect(blocked.stderr).toContain("if that run on build-07 is gone, `netra-start up --force-unlock` removes its lock");

    const doctor = await runCli(["doctor", "-c", file, "--format", "json"], { cwd: project.dir });
    const finding = (JSON.parse(doctor.stdout) as { findings: { message: string; next?: string }[] }).findings.find((f) => f.message.includes("build-07"));
    expect(finding?.message).toContain("lock is held by pid 4242 on build-07");
    expect(finding?.next).toContain("`netra-start up --force-unlock`");

    const forced = await runCli(["up", "-c", file, "--force-unlock"], { cwd: project.dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/warning: --force-unlock removed the lock held by pid 4242 on build-07 .* 3h00m ago/);
    expect(queryDb(state, "SELECT COUNT(*) AS n FROM lock")).toEqual([{ n: 0 }]);
    expect(queryDb(state, "SELECT COUNT(*) AS n FROM runs WHERE status = 'ready'")).toEqual([{ n: 2 }]);
  });

  it("down --force-unlock too; neither removes the lock of a holder alive on this host", async () => {
    // A service holds the lock for as long as the test needs, however loaded the machine.
    const file = project.write("startup.yaml", `version: 1\nstages:\n  hold: { kind: service, command: "sleep 300" }\n`);
    let seen = "";
    let holderPid = 0;
    const first = runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir, onStdout: (text) => (seen = text), onSpawn: (pid) => (holderPid = pid) });
    await waitFor(() => seen.includes("press Ctrl-C to stop"));
    for (const command of ["up", "down"]) {
      const refused = await runCli([command, "-c", file, "--force-unlock"], { cwd: project.dir });
      expect(refused.code, command).toBe(4);
      expect(refused.stderr).toMatch(new RegExp(`refusing --force-unlock on ${state}: the lock is held by pid \\d+ on ${hostname()} .*, which is still running on this host`));
      expect(refused.stderr).toMatch(/hint: stop it first \(Ctrl-C in its terminal, or kill \d+\)/);
    }
    process.kill(holderPid, "SIGINT");
    expect((await first).code).toBe(130);
    lockFrom("build-07", 4242);
    const down = await runCli(["down", "-c", file, "--force-unlock"], { cwd: project.dir });
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toContain("warning: --force-unlock removed the lock held by pid 4242 on build-07");
  });
});

describe("circuit breakers across runs", () => {
  // Waits until the open circuit's recovery has passed, by its own record, not a guess.
  const untilRecovered = async (recoveryMs: number) => {
    const [row] = queryDb<{ opened_at: string }>(state, "SELECT opened_at FROM circuits WHERE state = 'open'");
    await waitFor(() => Date.now() > Date.parse(row!.opened_at) + recoveryMs, 30_000);
  };
  const config = `version: 1\nstages:\n  flaky:\n    command: echo ran >> runs.txt; test -f healthy\n    retries: 0\n    circuit_breaker: { threshold: 2, recovery: 3s }\n`;

  it("open after the threshold, fail fast without running, half-open trial, closed on success", async () => {
    const file = project.write("startup.yaml", config);
    const up = () => runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
    const count = () => (queryDb(state, "SELECT COUNT(*) AS n FROM attempts")[0]?.n as number) ?? 0;

    expect((await up()).code).toBe(1);
    expect(queryDb(state, "SELECT state, consecutive_failures FROM circuits")).toEqual([{ state: "closed", consecutive_failures: 1 }]);
    const second = await up();
    expect(second.stdout).toContain("circuit opened after 2 consecutive failed runs, next try after");
    expect(queryDb(state, "SELECT state FROM circuits")).toEqual([{ state: "open" }]);

    const refused = await up();
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/\[flaky\] FAILED after 0 attempts: circuit open, next try after \d\d:\d\d:\d\d \(to try now: netra-start circuits reset flaky -c \S*startup\.yaml\)/);
    expect(count()).toBe(2); // nothing ran

    await untilRecovered(3000);
    project.write("healthy", "");
    const trial = await up();
    expect(trial.code).toBe(0);
    expect(trial.stdout).toContain("[flaky] circuit open → half-open");
    expect(trial.stdout).toContain("[flaky] circuit half-open → closed");
    expect(queryDb(state, "SELECT state, consecutive_failures FROM circuits")).toEqual([{ state: "closed", consecutive_failures: 0 }]);
    expect(queryDb(state, "SELECT from_state, to_state, reason FROM circuit_transitions ORDER BY rowid")).toEqual([
      { from_state: "closed", to_state: "open", reason: "failure threshold reached" },
      { from_state: "open", to_state: "half_open", reason: "recovery time passed" },
      { from_state: "half_open", to_state: "closed", reason: "stage succeeded" },
    ]);
  });

  it("counts failed runs, not attempts: retries alone never open it, and the fix runs at once", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  flaky:\n    command: echo ran >> runs.txt; test -f healthy\n    retries: 3\n    backoff: { initial: 10ms, max: 10ms }\n`);
    const up = () => runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
    const failed = await up();
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("[flaky] FAILED after 4 attempts: exit code 1\n");
    expect(queryDb(state, "SELECT state, consecutive_failures FROM circuits")).toEqual([{ state: "closed", consecutive_failures: 1 }]);
    project.write("healthy", "");
    expect((await up()).code).toBe(0);
    expect(queryDb(state, "SELECT state, consecutive_failures FROM circuits")).toEqual([{ state: "closed", consecutive_failures: 0 }]);
  });

  it("the command an open circuit names closes it", async () => {
    const file = project.write("startup.yaml", config);
    const up = () => runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
    await up();
    await up();
    const refused = await up();
    const command = /\(to try now: netra-start (circuits reset flaky -c \S+)\)/.exec(refused.stdout)?.[1];
    expect(command).toBeDefined();
    expect((await runCli(command!.split(" "), { cwd: project.dir })).stdout).toBe("closed: flaky\n");
    project.write("healthy", "");
    expect((await up()).code).toBe(0);
  });

  it("a failed half-open trial opens it again at once", async () => {
    const file = project.write("startup.yaml", config.replace("recovery: 3s", "recovery: 300ms"));
    const up = () => runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
    await up();
    await up();
    await untilRecovered(300);
    const trial = await up();
    expect(trial.stdout).toContain("circuit open → half-open");
    expect(trial.stdout).toContain("circuit half-open → open");
    expect(queryDb(state, "SELECT state FROM circuits")).toEqual([{ state: "open" }]);
  });

  it("`circuits` lists them; `circuits reset` and `up --reset-circuits` close them", async () => {
    const file = project.write("startup.yaml", config);
    const up = (args: string[] = []) => runCli(["up", "-c", file, "--output", "plain", ...args], { cwd: project.dir });
    await up();
    await up();
    const list = await runCli(["circuits", "-c", file], { cwd: project.dir });
    expect(list.stdout).toMatch(/^flaky +open +2 +\d{4}-/m);
    const reset = await runCli(["circuits", "reset", "flaky", "-c", file], { cwd: project.dir });
    expect(reset.stdout).toBe("closed: flaky\n");
    expect(queryDb(state, "SELECT state FROM circuits")).toEqual([{ state: "closed" }]);
    await up();
    await up();
    project.write("healthy", "");
    const forced = await up(["--reset-circuits"]);
    expect(forced.stderr).toContain("circuits reset: flaky");
    expect(forced.code).toBe(0);
  });
});
