// `netra-start up` with real processes, through the built CLI.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { eventsOf, finished, parseEvents } from "../helpers/events.js";
import { processesMatching, waitFor } from "../helpers/processes.js";
import { queryDb } from "../helpers/db.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-up-");
});
afterEach(() => project.cleanup());

const up = (config: string, args: string[] = [], env: Record<string, string> = {}) => {
  const file = project.write("startup.yaml", config);
  return runCli(["up", "-c", file, "--output", "json", ...args], { cwd: project.dir, env });
};
const read = (file: string) => (existsSync(path.join(project.dir, file)) ? readFileSync(path.join(project.dir, file), "utf8") : "");

describe("scheduling", () => {
  it("runs in parallel up to the limit, and never before dependencies are ready", async () => {
    const stage = (name: string, deps: string[] = []) =>
      `  ${name}:\n    depends_on: [${deps.join(", ")}]\n    command: echo "start ${name} $(date +%s%N)" >> trace; sleep 0.3; echo "end ${name} $(date +%s%N)" >> trace\n`;
    const result = await up(`version: 1\nstages:\n${stage("a")}${stage("b")}${stage("c")}${stage("d")}${stage("e", ["a", "b"])}${stage("f", ["e"])}`, ["-j", "2"]);
    expect(result.code).toBe(0);
    const trace = read("trace").trim().split("\n").map((l) => l.split(" ")) as [string, string, string][];
    const at = (kind: string, name: string) => BigInt(trace.find(([k, n]) => k === kind && n === name)?.[2] ?? "0");
    let running = 0;
    let peak = 0;
    for (const [kind] of [...trace].sort((x, y) => (BigInt(x[2]) < BigInt(y[2]) ? -1 : 1))) {
      running += kind === "start" ? 1 : -1;
      peak = Math.max(peak, running);
    }
    expect(peak).toBe(2);
    expect(at("start", "e")).toBeGreaterThan(at("end", "a"));
    expect(at("start", "e")).toBeGreaterThan(at("end", "b"));
    expect(at("start", "f")).toBeGreaterThan(at("end", "e"));
  });

  it("runs only the named stages and their dependencies; --dry-run runs nothing", async () => {
    const config = `version: 1\nstages:\n  a: { command: "echo a >> trace" }\n  b: { command: "echo b >> trace", depends_on: [a] }\n  c: { command: "echo c >> trace" }\n`;
    const result = await up(config, ["b"]);
    expect(finished(parseEvents(result.stdout)).results.map((r) => r.name)).toEqual(["a", "b"]);
    expect(read("trace")).toBe("a\nb\n");
    const dry = await runCli(["up", "-c", "startup.yaml", "--dry-run", "--output", "plain"], { cwd: project.dir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("dry run: 3 stages would start in this order");
    expect(dry.stdout).toMatch(/1 {2}a\n\s+2 {2}b\n\s+3 {2}c/);
    expect(read("trace")).toBe("a\nb\n");
  });
});

describe("retries and failures", () => {
  it("retries with exponential backoff, then fails the run with exit 1", async () => {
    const result = await up(`version: 1\nstages:\n  flaky:\n    command: echo "attempt $NETRA_ATTEMPT" >&2; exit 7\n    retries: 2\n    backoff: { initial: 200ms, factor: 2, jitter: false }\n    circuit_breaker: { threshold: 10 }\n`);
    expect(result.code).toBe(1);
    const events = parseEvents(result.stdout);
    const starts = eventsOf(events, "stage-started", "flaky").map((e) => Date.parse(e.at));
    expect(starts).toHaveLength(3);
    expect(eventsOf(events, "stage-retrying").map((e) => e.delayMs)).toEqual([200, 400]);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(200);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(400);
    expect(starts[2]! - starts[1]!).toBeLessThan(2000);
    const failed = eventsOf(events, "stage-failed", "flaky")[0]!;
    expect(failed).toMatchObject({ attempts: 3, error: "exit code 7", critical: true, tail: ["attempt 3"] });
    expect(finished(events)).toMatchObject({ status: "failed", exitCode: 1 });
  });

  it("kills the whole process group on timeout: no grandchild survives", async () => {
    const marker = `${3000 + Math.floor(Math.random() * 900)}.${process.pid}`;
    const result = await up(`version: 1\nstages:\n  hang:\n    command: sleep ${marker} & sleep ${marker} & wait\n    timeout: 500ms\n    kill_timeout: 300ms\n    retries: 0\n`);
    expect(result.code).toBe(1);
    expect(eventsOf(parseEvents(result.stdout), "stage-failed")[0]?.error).toBe("timed out after 500ms");
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);
  });

  it("escalates to SIGKILL for a stage that ignores SIGTERM", async () => {
    const marker = `netra-stubborn-${process.pid}`;
    const result = await up(`version: 1\nstages:\n  stubborn:\n    command: [sh, -c, "trap '' TERM; while true; do sleep 0.05; done", ${marker}]\n    timeout: 300ms\n    kill_timeout: 300ms\n    retries: 0\n`);
    expect(result.code).toBe(1);
    expect(processesMatching(marker)).toEqual([]);
  });

  it("reports spawn errors plainly: missing command, bad cwd, sh's 127", async () => {
    const result = await up(
      `version: 1\nsettings: { degraded: allow }\ndefaults: { retries: 0, priority: low }\nstages:\n  argv: { command: [netra-no-such-binary, --x] }\n  cwd: { command: "true", cwd: ./does-not-exist }\n  shell: { command: "netra-no-such-binary --x" }\n`,
    );
    expect(result.code).toBe(3);
    const errors = Object.fromEntries(eventsOf(parseEvents(result.stdout), "stage-failed").map((e) => [e.stage, e.error]));
    expect(errors).toEqual({
      argv: "command not found: netra-no-such-binary",
      cwd: `working directory does not exist: ${path.join(project.dir, "does-not-exist")}`,
      shell: "exit code 127 (command not found)",
    });
  });

  it("fails unmet static requirements at once, naming what is missing", async () => {
    const result = await up(`version: 1\nstages:\n  needs:\n    command: "true"\n    retries: 5\n    requires: { env: [NETRA_TEST_MISSING_VAR], commands: [netra-no-such-tool], files: [missing.txt] }\n`);
    expect(result.code).toBe(1);
    const failed = eventsOf(parseEvents(result.stdout), "stage-failed")[0]!;
    expect(failed.attempts).toBe(1);
    expect(failed.error).toBe(
      `requirements not met: environment variable NETRA_TEST_MISSING_VAR is not set (export it before starting); command "netra-no-such-tool" is not on PATH (install it or fix PATH); file ${path.join(project.dir, "missing.txt")} does not exist`,
    );
  });

  it("retries a port that is in use, then names it", async () => {
    const net = await import("node:net");
    const server = net.createServer().listen(0, "0.0.0.0");
    await new Promise((resolve) => server.once("listening", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const result = await up(`version: 1\nstages:\n  web:\n    command: "true"\n    retries: 1\n    backoff: { initial: 50ms }\n    requires: { ports: [${port}] }\n`);
      const failed = eventsOf(parseEvents(result.stdout), "stage-failed")[0]!;
      expect(failed.attempts).toBe(2);
      expect(failed.error).toContain(`port ${port} is already in use`);
    } finally {
      server.close();
    }
  });
});

describe("rollback", () => {
  const chain = (cleanupB: string) =>
    `version: 1\ndefaults: { retries: 0 }\nstages:\n  a: { command: "true", cleanup: "echo a >> undo" }\n  b: { command: "true", depends_on: [a], cleanup: "${cleanupB}" }\n  side: { command: "true", cleanup: "echo side >> undo" }\n  c: { command: "exit 1", depends_on: [b, side] }\n`;

  it("rolls back what became ready, in reverse order, and exits 1", async () => {
    const result = await up(chain("echo b >> undo"), ["-j", "1"]);
    expect(result.code).toBe(1);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "rollback-started")[0]).toMatchObject({ reason: "failure", stages: ["side", "b", "a"] });
    expect(read("undo")).toBe("side\nb\na\n");
    expect(finished(events)).toMatchObject({ status: "failed", rolledBack: true });
  });

  it("attempts every cleanup even when one fails", async () => {
    const result = await up(chain("echo b-fails >> undo; exit 3"), ["-j", "1"]);
    expect(result.code).toBe(1);
    expect(read("undo")).toBe("side\nb-fails\na\n");
    const rollbacks = eventsOf(parseEvents(result.stdout), "rollback-stage");
    expect(rollbacks.map((r) => [r.stage, r.status])).toEqual([["side", "ok"], ["b", "failed"], ["a", "ok"]]);
    expect(rollbacks[1]?.error).toBe("cleanup failed: exit code 3");
    expect(eventsOf(parseEvents(result.stdout), "rollback-finished")[0]?.failed).toBe(1);
  });

  it("--no-rollback leaves them, and says so", async () => {
    const file = project.write("startup.yaml", chain("echo b >> undo"));
    const result = await runCli(["up", "-c", file, "--no-rollback", "--output", "plain"], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(read("undo")).toBe("");
    expect(result.stdout).toContain("rollback skipped (--no-rollback)");
  });
});

describe("degraded start", () => {
  const config = `version: 1\ndefaults: { retries: 0 }\nstages:\n  core: { command: "true" }\n  extra: { command: "exit 1", priority: low }\n  after-extra: { command: "echo ran >> trace", depends_on: [extra], priority: medium }\n  other: { command: "true", depends_on: [core] }\n`;

  it("exits 3, skips the dependents, runs the rest", async () => {
    const result = await up(config);
    expect(result.code).toBe(3);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "stage-skipped")[0]).toMatchObject({ stage: "after-extra", reason: "dependency extra failed" });
    expect(Object.fromEntries(finished(events).results.map((r) => [r.name, r.status]))).toEqual({ core: "ready", extra: "failed", "after-extra": "skipped", other: "ready" });
    expect(read("trace")).toBe("");
  });

  it("exits 0 with --allow-degraded", async () => {
    expect((await up(config, ["--allow-degraded"])).code).toBe(0);
  });

  it("fails the run when a critical stage cannot start because of it", async () => {
    const result = await up(config.replace("priority: medium", "priority: critical"));
    expect(result.code).toBe(1);
    expect(finished(parseEvents(result.stdout)).status).toBe("failed");
  });

  it("fails on any failure with degraded: fail", async () => {
    const result = await up(config.replace("version: 1\n", "version: 1\nsettings: { degraded: fail }\n"));
    expect(result.code).toBe(1);
  });
});

describe("signals", () => {
  const longRun = (marker: string) =>
    `version: 1\nstages:\n  ready-first: { command: "true", cleanup: "echo cleaned >> undo" }\n  long: { command: "sleep ${marker}", depends_on: [ready-first] }\n`;

  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`${signal}: cancels, keeps what completed (no cleanup), exits ${code}, leaves nothing running`, async () => {
      const marker = `${4000 + Math.floor(Math.random() * 900)}.${process.pid}`;
      const file = project.write("startup.yaml", longRun(marker));
      let pid = 0;
      const running = runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir, onSpawn: (p) => (pid = p) });
      await waitFor(() => processesMatching(`sleep ${marker}`).length > 0);
      process.kill(pid, signal);
      const result = await running;
      expect(result.code).toBe(code);
      const events = parseEvents(result.stdout);
      expect(finished(events)).toMatchObject({ status: "interrupted", exitCode: code });
      expect(eventsOf(events, "stage-cancelled", "long")).toHaveLength(1);
      // Stopping is not undoing: ready-first's cleanup is for `down --undo`.
      expect(eventsOf(events, "rollback-started")[0]).toMatchObject({ reason: "interrupt", undo: false, stages: [] });
      expect(read("undo")).toBe("");
      expect(processesMatching(`sleep ${marker}`)).toEqual([]);
    });
  }

  it("SIGINT twice during the rollback of a failed run skips the rest of it but still records the end", async () => {
    const marker = `${5000 + Math.floor(Math.random() * 900)}.${process.pid}`;
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n  a: { command: "true", cleanup: "echo a >> undo" }\n  b: { command: "true", depends_on: [a], cleanup: "sleep ${marker}" }\n  bad: { command: "exit 1", depends_on: [b], retries: 0 }\n`,
    );
    let pid = 0;
    const running = runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir, onSpawn: (p) => (pid = p) });
    await waitFor(() => processesMatching(`sleep ${marker}`).length > 0);
    // Two signals sent back to back can reach the process as one (a pending signal is not
    // queued twice): press Ctrl-C until it ends, as an impatient user does.
    const presses = setInterval(() => {
      try {
        process.kill(pid, "SIGINT");
      } catch {
        // It has ended.
      }
    }, 100);
    const result = await running.finally(() => clearInterval(presses));
    expect(result.code).toBe(130);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "rollback-stage").map((r) => [r.stage, r.status])).toEqual([["b", "failed"], ["a", "skipped"]]);
    expect(eventsOf(events, "rollback-finished")[0]?.skipped).toBe(true);
    expect(read("undo")).toBe("");
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);
  });
});

describe("environment, outputs and logs", () => {
  it("passes NETRA_* variables and outputs to every stage downstream", async () => {
    const result = await up(
      `version: 1\nstages:\n  config:\n    command: echo "DB_URL=postgres://x" >> "$NETRA_OUTPUT"; echo "with space=a=b" >> "$NETRA_OUTPUT"\n  migrate:\n    depends_on: [config]\n    command: test "$NETRA_CONFIG_DB_URL" = postgres://x && test "$NETRA_CONFIG_WITH_SPACE" = a=b && echo "$NETRA_STAGE $NETRA_ATTEMPT $NETRA_RUN_ID" >> trace\n  api:\n    depends_on: [migrate]\n    env: { GREETING: "hi \${USER_NAME:-there}" }\n    command: [sh, -c, 'test "$NETRA_CONFIG_DB_URL" = postgres://x && echo "$GREETING" >> trace']\n`,
    );
    expect(result.code).toBe(0);
    const runId = finished(parseEvents(result.stdout)).runId;
    expect(read("trace")).toBe(`migrate 1 ${runId}\nhi there\n`);
    expect(eventsOf(parseEvents(result.stdout), "stage-ready", "config")[0]?.outputs).toEqual({ DB_URL: "postgres://x", "with space": "a=b" });
  });

  it("writes each stage's full output, all attempts marked, to the state dir's log", async () => {
    const result = await up(`version: 1\nstages:\n  noisy:\n    command: echo "try $NETRA_ATTEMPT"; test "$NETRA_ATTEMPT" = 2\n    retries: 1\n    backoff: { initial: 10ms }\n`);
    expect(result.code).toBe(0);
    const runId = finished(parseEvents(result.stdout)).runId;
    const log = readFileSync(path.join(project.dir, ".netra", "logs", runId, "noisy.log"), "utf8");
    expect(log).toMatch(/^--- \S+ attempt 1\/2\ntry 1\n--- \S+ attempt 1\/2 failed: exit code 1\n--- \S+ attempt 2\/2\ntry 2\n$/);
    expect(readdirSync(path.join(project.dir, ".netra", "logs", runId)).sort()).toEqual(["noisy.log", "outputs", "pgids"]);
  });

  it("a stage that succeeds in silence costs no log file; one that fails or prints has its log", async () => {
    const result = await up(`version: 1\nstages:\n  quiet: { command: "true" }\n  talks: { command: "echo hi", depends_on: [quiet] }\n  silent-fail: { command: "exit 4", depends_on: [quiet], retries: 0, priority: low }\n`);
    expect(result.code).toBe(3);
    const runId = finished(parseEvents(result.stdout)).runId;
    const logs = path.join(project.dir, ".netra", "logs", runId);
    expect(readdirSync(logs).filter((f) => f.endsWith(".log")).sort()).toEqual(["silent-fail.log", "talks.log"]);
    expect(readFileSync(path.join(logs, "silent-fail.log"), "utf8")).toMatch(/^--- \S+ attempt 1\/1\n--- \S+ attempt 1\/1 failed: exit code 4\n$/);
    expect(queryDb(path.join(project.dir, ".netra"), "SELECT stage, log_path IS NOT NULL AS has_log FROM stage_runs ORDER BY position")).toEqual([
      { stage: "quiet", has_log: 0 },
      { stage: "talks", has_log: 1 },
      { stage: "silent-fail", has_log: 1 },
    ]);
    const report = await runCli(["report", "-c", path.join(project.dir, "startup.yaml")], { cwd: project.dir });
    expect(report.code).toBe(0);
  });

  it("an attempt marker starts its own line, even after output without a final newline", async () => {
    const result = await up(`version: 1\nstages:\n  bar:\n    command: printf "50%%"; test "$NETRA_ATTEMPT" = 2\n    retries: 1\n    backoff: { initial: 10ms }\n`);
    expect(result.code).toBe(0);
    const runId = finished(parseEvents(result.stdout)).runId;
    const log = readFileSync(path.join(project.dir, ".netra", "logs", runId, "bar.log"), "utf8");
    expect(log).toMatch(/^--- \S+ attempt 1\/2\n50%\n--- \S+ attempt 1\/2 failed: exit code 1\n--- \S+ attempt 2\/2\n50%$/);
  });

  it("redacts secret values from events, logs and output", async () => {
    const secret = "s3cr3t-value-42";
    const file = project.write("startup.yaml", `version: 1\nstages:\n  leak:\n    command: echo "token is $API_TOKEN"; exit 1\n    retries: 0\n`);
    const json = await runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir, env: { API_TOKEN: secret } });
    expect(json.stdout).not.toContain(secret);
    expect(eventsOf(parseEvents(json.stdout), "stage-failed")[0]?.tail).toEqual(["token is ***"]);
    const runId = finished(parseEvents(json.stdout)).runId;
    expect(readFileSync(path.join(project.dir, ".netra", "logs", runId, "leak.log"), "utf8")).toContain("token is ***\n");
    const plain = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir, env: { API_TOKEN: secret } });
    expect(plain.stdout).toContain("token is ***");
    expect(plain.stdout + plain.stderr).not.toContain(secret);
  });
});

describe("output modes", () => {
  const config = `version: 1\nstages:\n  a: { command: "echo hello" }\n  b: { command: "exit 2", depends_on: [a], retries: 0, priority: low }\n`;

  it("json: every stdout line is one JSON event, nothing else", async () => {
    const result = await up(config);
    const lines = result.stdout.trim().split("\n");
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(parseEvents(result.stdout).map((e) => e.type)).toEqual([
      "run-started",
      "stage-started",
      "process-started",
      "stage-ready",
      "stage-started",
      "process-started",
      "attempt-failed",
      // The failed run counts toward b's circuit breaker (closed, 1 consecutive failed run).
      "circuit-changed",
      "stage-failed",
      "run-finished",
    ]);
  });

  it("plain: timestamped lines and a summary table, no colour codes", async () => {
    const file = project.write("startup.yaml", config);
    const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} \[a\] ready in \d+ms$/m);
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} \[b\] failed \(non-critical\) after 1 attempt: exit code 2$/m);
    expect(result.stdout).toMatch(/^STAGE +STATUS +PRIORITY +ATTEMPTS +DURATION +ERROR$/m);
    expect(result.stdout).toMatch(/^b +✖ failed +low +1 +\d+ms +exit code 2$/m);
    expect(result.stdout).not.toContain("\u001b[");
  });

  it("plain shows the hint doctor would give under a failed stage, and none when it has nothing to add", async () => {
    const file = project.write(
      "startup.yaml",
      `version: 1\ndefaults: { retries: 0, priority: low }\nstages:\n  api: { command: "echo 'Error: connect ECONNREFUSED 127.0.0.1:5999' >&2; exit 1" }\n  plain: { command: "exit 4" }\n`,
    );
    const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir });
    expect(result.stdout).toContain("    │ Error: connect ECONNREFUSED 127.0.0.1:5999\n    hint: nothing was listening on 127.0.0.1:5999: the service it needs is not up");
    expect(result.stdout).toContain("[plain] failed (non-critical) after 1 attempt: exit code 4\n");
    expect(result.stdout).not.toMatch(/\[plain\] failed[^\n]*\n\s+hint:/);
  });

  it("plain under GitHub Actions adds annotations (b is low priority: a ::warning) and groups", async () => {
    const file = project.write("startup.yaml", config.replace('exit 2"', 'echo boom; exit 2"'));
    const result = await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir, env: { GITHUB_ACTIONS: "true" } });
    // Annotations point at the stage's line in the config; ':' and ',' are escaped in properties.
    expect(result.stdout).toContain("::warning file=startup.yaml,line=4,title=netra-start%3A stage b failed::exit code 2");
    // Stage output is printed with workflow commands stopped (test/output/stage-text.test.ts).
    expect(result.stdout).toMatch(/::group::b: last 1 lines of output\n::stop-commands::(\w+)\n {4}│ boom\n::\1::\n::endgroup::/);
  });

  it("GITHUB_STEP_SUMMARY gets a Markdown summary; config errors become annotations on their line", async () => {
    const summary = path.join(project.dir, "summary.md");
    const file = project.write("startup.yaml", config.replace('exit 2"', "echo 'boom | pipe'; exit 2\""));
    await runCli(["up", "-c", file, "--output", "plain"], { cwd: project.dir, env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary } });
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toMatch(/^### ⚠️ netra-start: \S+ degraded in \S+ \(exit 3\)$/m);
    expect(markdown).toContain("| b | ❌ failed | low | 1 |");
    expect(markdown).toContain("<details><summary>b: last 1 lines of output</summary>\n\n```\nboom | pipe\n```\n</details>");
    const broken = project.write("broken.yaml", "version: 1\nstages:\n  a: { comand: x }\n");
    const validate = await runCli(["validate", "-c", broken], { cwd: project.dir, env: { GITHUB_ACTIONS: "true" } });
    expect(validate.stdout).toContain('::error file=broken.yaml,line=3,col=8,title=netra-start config::stages.a.comand: unknown key "comand" (did you mean "command"?)');
  });

  it("auto picks plain when stdout is not a TTY; NETRA_START_OUTPUT=json switches to json", async () => {
    const file = project.write("startup.yaml", config);
    const auto = await runCli(["up", "-c", file], { cwd: project.dir });
    expect(auto.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} run \S+ started/m);
    const json = await runCli(["up", "-c", file], { cwd: project.dir, env: { NETRA_START_OUTPUT: "json" } });
    expect(parseEvents(json.stdout)[0]?.type).toBe("run-started");
  });

  it("config errors go to stderr with exit 2, even in json mode", async () => {
    const file = project.write("startup.yaml", "version: 1\nstages:\n  a: { comand: x }\n");
    const result = await runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain('stages.a.comand: unknown key "comand" (did you mean "command"?)');
  });
});
