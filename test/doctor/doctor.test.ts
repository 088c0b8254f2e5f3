// `netra-start doctor` on the situations people bring it: each finding and its next step.
import { spawn, spawnSync } from "node:child_process";
import { hostname } from "node:os";
import net from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Finding } from "../../src/doctor/finding.js";
import { SCHEMA_VERSION } from "../../src/store/migrations.js";
import { BIN, cleanEnv, runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { processesMatching, waitFor } from "../helpers/processes.js";
import { freePort } from "../helpers/ports.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-doctor-");
});
afterEach(() => project.cleanup());

const doctor = async (config: string, args: string[] = [], env: Record<string, string | undefined> = {}) => {
  const file = project.write("startup.yaml", config);
  const text = await runCli(["doctor", "-c", file, ...args], { cwd: project.dir, env });
  const json = await runCli(["doctor", "-c", file, "--format", "json", ...args], { cwd: project.dir, env });
  return { text, code: json.code, report: JSON.parse(json.stdout) as { ok: boolean; findings: Finding[] } };
};
const find = (findings: Finding[], text: string) => findings.find((f) => f.message.includes(text));

describe("doctor", () => {
  it("a healthy setup: exit 0, nothing wrong", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  a: { command: "true" }\n`);
    expect((await runCli(["up", "-c", file], { cwd: project.dir })).code).toBe(0);
    // The default way of starting processes: in the suite's child_process pass, doctor
    // rightly warns that NETRA_SPAWN forces the slower one.
    const { text, code, report } = await doctor(`version: 1\nstages:\n  a: { command: "true" }\n`, [], { NETRA_SPAWN: undefined });
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(text.stdout).toContain("✔ startup.yaml is valid: 1 stage, no profile");
    expect(text.stdout).toContain(`✔ report database ok: 1 run recorded, schema ${SCHEMA_VERSION} (quick check; \`doctor --full\` checks every index too)`);
    expect(text.stdout).toContain("nothing wrong found");
  });

  it("checks the database quickly by default, every index with --full", async () => {
    const config = `version: 1\nstages:\n  a: { command: "true" }\n`;
    const file = project.write("startup.yaml", config);
    expect((await runCli(["up", "-c", file], { cwd: project.dir })).code).toBe(0);
    const quick = await doctor(config);
    expect(quick.text.stdout).toContain(`✔ report database ok: 1 run recorded, schema ${SCHEMA_VERSION} (quick check; \`doctor --full\` checks every index too)`);
    const full = await doctor(config, ["--full"]);
    expect(full.code).toBe(0);
    expect(full.text.stdout).toContain(`✔ report database ok: 1 run recorded, schema ${SCHEMA_VERSION} (full integrity check)`);
  });

  it("a supervisor killed with -9: names its unfinished run and the processes it left, with the commands that end them", async () => {
    const marker = `sleep 8${process.pid % 1000}${Date.now() % 1000}`;
    const config = `version: 1\nstages:\n  svc: { kind: service, command: "${marker}" }\n`;
    const file = project.write("startup.yaml", config);
    const child = spawn(process.execPath, [BIN, "up", "-c", file, "--output", "json"], { cwd: project.dir, env: cleanEnv(), stdio: ["ignore", "pipe", "ignore"] });
    let seen = "";
    child.stdout.on("data", (chunk: Buffer) => (seen += chunk.toString()));
    await waitFor(() => seen.includes('"services-running"'));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    // The service's group: `sh -c` and its sleep, or the sleep alone when sh execs it.
    const left = processesMatching(marker);
    const pids = left.map((line) => Number(line.split(":")[0])).sort((a, b) => a - b);
    expect(pids.length).toBeGreaterThan(0);

    const { text, code, report } = await doctor(config);
    expect(code).toBe(1);
    const finding = find(report.findings, "was left unfinished: its supervisor, pid");
    expect(finding?.status).toBe("fail");
    expect(finding?.message).toMatch(new RegExp(`and ${pids.length} of its processes still run \\(pids? ${pids.join(", ")}\\)$`));
    expect(finding?.next).toMatch(/^end them and keep what was done: `netra-start down` \(or `kill -TERM -- -\d+`\)$/);
    expect(finding?.details).toEqual(left);
    expect(text.stdout).toContain("was left unfinished");

    expect((await runCli(["down", "-c", file], { cwd: project.dir })).code).toBe(0);
    expect(processesMatching(marker)).toEqual([]);
    const after = await doctor(config);
    expect(find(after.report.findings, "was left unfinished")).toBeUndefined();
    expect(find(after.report.findings, "abandoned")).toBeDefined();
  });

  it("a broken config: every diagnostic, and the rest still checked", async () => {
    const { text, code, report } = await doctor(`version: 1\nstages:\n  api: { command: "true", depends_on: [databse] }\n  database: { comand: x }\n`);
    expect(code).toBe(1);
    const config = report.findings.find((f) => f.section === "config")!;
    expect(config).toMatchObject({ status: "fail", message: "startup.yaml has 2 errors" });
    expect(config.details).toContain('startup.yaml:3:40 stages.api.depends_on[0]: unknown stage "databse" (did you mean "database"?)');
    expect(report.findings.some((f) => f.section === "environment")).toBe(true);
    expect(text.stdout).toContain("→ fix them (each line gives the place and a hint), then `netra-start validate`");
  });

  it("a missing command, with where it looked", async () => {
    const { code, report } = await doctor(`version: 1\nstages:\n  tool: { command: "netra-no-such-tool --flag" }\n  script: { command: [./bin/missing.sh] }\n  ok: { command: "node -e 1" }\n`);
    expect(code).toBe(1);
    expect(find(report.findings, 'runs "netra-no-such-tool" is not on PATH')).toMatchObject({ status: "fail", stage: "tool" });
    expect(find(report.findings, "runs ./bin/missing.sh is missing or not executable")).toMatchObject({ stage: "script", next: "create it, or chmod +x ./bin/missing.sh" });
    expect(find(report.findings, "runs node →")?.status).toBe("ok");
  });

  it("what doctor quotes passes the redaction: a port holder's command line with a secret in it", async () => {
    const port = await freePort();
    const secret = "tok-port-secret-55";
    const holder = spawn(process.execPath, ["-e", `require("net").createServer().listen(${port}, () => console.log("up"))`, "--", `--token=${secret}`], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      await new Promise((resolve) => holder.stdout.once("data", resolve));
      const file = project.write("startup.yaml", `version: 1\nstages:\n  web: { command: "true", requires: { ports: [${port}] } }\n`);
      const result = await runCli(["doctor", "-c", file], { cwd: project.dir, env: { API_TOKEN: secret } });
      expect(result.stdout).toMatch(new RegExp(`port ${port} is in use by pid ${holder.pid} \\(.*--token=\\*\\*\\*`));
      expect(result.stdout).not.toContain(secret);
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("a taken port names the process that holds it", async () => {
    const port = await freePort();
    const server = net.createServer().listen(port, "0.0.0.0");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const { code, report } = await doctor(`version: 1\nstages:\n  web: { command: "true", requires: { ports: [${port}] } }\n`);
      expect(code).toBe(1);
      const finding = find(report.findings, `port ${port} is in use`)!;
      expect(finding.message).toMatch(new RegExp(`port ${port} is in use by pid ${process.pid} \\(`));
      expect(finding.next).toBe(`stop it (kill ${process.pid}) or use another port`);
    } finally {
      server.close();
    }
  });

  it("a stale lock: up will take it over", async () => {
    const config = `version: 1\nstages:\n  a: { command: "true" }\n`;
    const file = project.write("startup.yaml", config);
    await runCli(["up", "-c", file], { cwd: project.dir });
    const dead = spawnSync("true").pid as number;
    const db = new Database(path.join(project.dir, ".netra", "netra.db"));
    db.prepare("INSERT INTO lock (id, pid, host, acquired_at, proc_start, run_id, command) VALUES (1, ?, ?, '2026-01-01T00:00:00.000Z', '1', NULL, 'up')").run(dead, hostname());
    db.close();
    const { code, report } = await doctor(config);
    expect(code).toBe(0);
    expect(find(report.findings, "lock is stale")).toMatchObject({ status: "warn", next: "nothing to do: the next `up` takes it over and records that run as abandoned" });
  });

  it("an open circuit, with how to reset it", async () => {
    const config = `version: 1\nstages:\n  flaky: { command: "exit 1", retries: 0, circuit_breaker: { threshold: 1 } }\n`;
    const file = project.write("startup.yaml", config);
    await runCli(["up", "-c", file], { cwd: project.dir });
    const { report } = await doctor(config);
    expect(find(report.findings, "circuit open after 1 consecutive failed runs")).toMatchObject({ stage: "flaky", next: "fix the cause, then `netra-start circuits reset flaky` (or `up --reset-circuits`)" });
  });

  it("a run that failed with ECONNREFUSED: the output tail and what it means", async () => {
    const port = await freePort();
    const config = `version: 1\nstages:\n  migrate:\n    command: [node, -e, "fetch('http://127.0.0.1:${port}/').catch((e) => { console.error('connect', e.cause.code, '127.0.0.1:${port}'); process.exit(2) })"]\n    retries: 0\n`;
    const file = project.write("startup.yaml", config);
    expect((await runCli(["up", "-c", file], { cwd: project.dir })).code).toBe(1);
    const { text, code, report } = await doctor(config);
    expect(code).toBe(1);
    const finding = find(report.findings, "migrate failed: exit code 2")!;
    expect(finding.details).toEqual([`connect ECONNREFUSED 127.0.0.1:${port}`]);
    expect(finding.next).toBe(`nothing was listening on 127.0.0.1:${port}: the service it needs is not up, or listens on another port — check that service's stage (and its health check), and the port in this stage's env`);
    expect(text.stdout).toContain(`│ connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it("a damaged database: what to do, and the other checks still run", async () => {
    project.write(".netra/netra.db", "garbage that is not sqlite ".repeat(100));
    const { code, report } = await doctor(`version: 1\nstages:\n  a: { command: "true" }\n`);
    expect(code).toBe(1);
    const damaged = report.findings.find((f) => f.section === "state")!;
    expect(damaged.message).toMatch(/netra\.db is not a readable SQLite database/);
    expect(damaged.next).toMatch(/^move it aside \(mv .*netra\.db .*netra\.db\.broken\)/);
    expect(report.findings.some((f) => f.section === "config" && f.status === "ok")).toBe(true);
  });
});
