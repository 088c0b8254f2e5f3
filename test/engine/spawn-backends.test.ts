// The two ways a stage's process is started — posix_spawn through the native spawner,
// and child_process.spawn — must be indistinguishable to a user: same output, exit
// codes, errors, signals, PATH lookup, and no process left behind.
import { chmodSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, runCli, runCommand, tempProject, type TempProject } from "../helpers/cli.js";
import { finished, parseEvents } from "../helpers/events.js";
import { processesMatching, waitFor } from "../helpers/processes.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-spawn-");
});
afterEach(() => project.cleanup());

// Explicit both ways: the whole suite also runs once per path (vitest.config.ts), with
// NETRA_SPAWN set for the child_process pass.
const BACKENDS = { posix_spawn: { NETRA_SPAWN: undefined }, child_process: { NETRA_SPAWN: "child_process" } } as const;

// Every way a process can start, end or fail to start, in one degraded run.
// Unique per run, so the process table can be searched for this run's sleeps alone.
function writeGraph(marker: string): string {
  mkdirSync(path.join(project.dir, "sub"));
  project.write("tools/greet", "#!/bin/sh\necho \"hello $1 from $(basename \"$PWD\")\"\n");
  chmodSync(path.join(project.dir, "tools/greet"), 0o755);
  project.write("not-executable.sh", "#!/bin/sh\necho never\n");
  const optional = "    priority: low\n    retries: 0\n";
  return project.write(
    "startup.yaml",
    `version: 1
stages:
  both-streams:
    command: echo "to stdout $NETRA_STAGE"; echo "to stderr" >&2
  path-from-stage-env:
    command: [greet, world]
    cwd: sub
    env: { PATH: "${project.dir}/tools:/usr/bin:/bin" }
  sigpipe-is-default:
    command: yes | head -n 1 > /dev/null
  exit-three:
    command: exit 3
${optional}  killed-by-signal:
    command: kill -TERM $$$$
${optional}  not-found:
    command: [no-such-command-netra]
${optional}  not-executable:
    command: [./not-executable.sh]
${optional}  grandchildren:
    command: sh -c 'sleep ${marker} & sleep ${marker} & wait'
    timeout: 300ms
    kill_timeout: 1s
${optional}`,
  );
}

describe.each(Object.entries(BACKENDS))("stages started with %s", (_name, env) => {
  it("see the same output, exit codes, signals and start errors, and leave nothing running", async () => {
    const marker = `300.${process.pid}${Date.now() % 100_000}`;
    const config = writeGraph(marker);
    const result = await runCli(["up", "-c", config, "--output", "json"], { cwd: project.dir, env });
    expect(result.code).toBe(3);
    const run = finished(parseEvents(result.stdout));
    const byName = new Map(run.results.map((r) => [r.name, r]));
    expect(byName.get("both-streams")?.status).toBe("ready");
    expect(byName.get("path-from-stage-env")?.status).toBe("ready");
    expect(byName.get("sigpipe-is-default")?.status).toBe("ready");
    expect(byName.get("exit-three")).toMatchObject({ status: "failed", exitCode: 3, error: "exit code 3" });
    expect(byName.get("killed-by-signal")).toMatchObject({ status: "failed", error: "killed by SIGTERM" });
    expect(byName.get("not-found")).toMatchObject({ status: "failed", error: "command not found: no-such-command-netra" });
    expect(byName.get("not-executable")).toMatchObject({ status: "failed", error: "permission denied: ./not-executable.sh (is it executable?)" });
    expect(byName.get("grandchildren")).toMatchObject({ status: "failed", error: "timed out after 300ms" });

    // A stage that succeeded in silence has no log (its logPath is undefined).
    const log = (stage: string) => {
      const file = byName.get(stage)?.logPath;
      return file ? readFileSync(file, "utf8") : "";
    };
    expect(log("both-streams")).toContain("to stdout both-streams\nto stderr\n");
    expect(log("path-from-stage-env")).toContain("hello world from sub\n");
    // With SIGPIPE still ignored, as it is in Node, `yes` would complain about EPIPE.
    expect(log("sigpipe-is-default")).not.toContain("Broken pipe");
    await waitFor(() => processesMatching(`sleep ${marker}`).length === 0, 3000);
  });
});

// What differed between the two paths (issue 13), each checked on both. A NUL byte
// written in the config is refused by `validate` (fixtures/invalid/nul-byte.yaml); one
// that arrives at run time, from a stage's outputs, fails the stage that would get it.
function writeDifferencesGraph(): string {
  project.write("no-shebang.sh", 'echo "no shebang, run by sh, with $1"\n');
  chmodSync(path.join(project.dir, "no-shebang.sh"), 0o755);
  project.write("tools/no-shebang-tool", "echo \"found in PATH, no shebang: $0\"\n");
  chmodSync(path.join(project.dir, "tools/no-shebang-tool"), 0o755);
  const optional = "    priority: low\n    retries: 0\n";
  return project.write(
    "startup.yaml",
    `version: 1
stages:
  no-shebang:
    command: [./no-shebang.sh, an-argument]
  no-shebang-in-path:
    command: [no-shebang-tool]
    env: { PATH: "${project.dir}/tools:/usr/bin:/bin" }
  signals:
    command: [grep, -E, "^Sig(Blk|Ign):", /proc/self/status]
  interleaved:
    command: for i in $(seq 1 300); do echo "out $i"; echo "err $i" >&2; done
  writes-nul-output:
    command: printf 'TOKEN=before\\000after\\n' >> "$NETRA_OUTPUT"
${optional}  nul-in-environment:
    depends_on: [writes-nul-output]
    command: echo "$NETRA_WRITES_NUL_OUTPUT_TOKEN"
${optional}`,
  );
}

describe.each(Object.entries(BACKENDS))("stages started with %s", (_name, env) => {
  it("run a script without #! by /bin/sh, refuse a NUL byte in the environment by name, start with no signal blocked or ignored, and keep stdout and stderr in order", async () => {
    const result = await runCli(["up", "-c", writeDifferencesGraph(), "--output", "json"], { cwd: project.dir, env });
    expect(result.code, result.stderr).toBe(3);
    const run = finished(parseEvents(result.stdout));
    const byName = new Map(run.results.map((r) => [r.name, r]));
    const log = (stage: string) => readFileSync(byName.get(stage)?.logPath as string, "utf8");
    for (const stage of ["no-shebang", "no-shebang-in-path", "signals", "interleaved", "writes-nul-output"]) expect(byName.get(stage)?.status, stage).toBe("ready");
    expect(log("no-shebang")).toContain("no shebang, run by sh, with an-argument\n");
    expect(log("no-shebang-in-path")).toContain(`found in PATH, no shebang: ${project.dir}/tools/no-shebang-tool\n`);

    expect(byName.get("nul-in-environment")).toMatchObject({
      status: "failed",
      error: 'cannot start "/bin/sh": environment variable NETRA_WRITES_NUL_OUTPUT_TOKEN contains a NUL byte (\\0): a process cannot receive one; remove it',
    });

    expect(log("signals")).toContain("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
    const lines = log("interleaved").split("\n").filter((line) => /^(out|err) /.test(line));
    expect(lines).toEqual(Array.from({ length: 300 }, (_, i) => [`out ${i + 1}`, `err ${i + 1}`]).flat());
  });
});

// Signals blocked or ignored by whoever started netra-start must not reach a stage
// either. Linux-only, native spawner only: libuv resets signals 1-31 in the child but
// leaves the real-time ones as the supervisor inherited them (docs/running.md).
it.runIf(process.platform === "linux")("stages start with every signal at its default even when netra-start was started with real-time signals ignored and blocked", async () => {
  const config = project.write("startup.yaml", 'version: 1\nstages:\n  signals: { command: [grep, -E, "^Sig(Blk|Ign):", /proc/self/status] }\n');
  // perl (in every Debian/Ubuntu base image) ignores SIGRTMIN+2 and blocks SIGRTMIN+3, then becomes netra-start.
  const wrapper = "use POSIX; $SIG{NUM36} = 'IGNORE'; sigprocmask(SIG_BLOCK, POSIX::SigSet->new(37)); exec @ARGV or die";
  const result = await runCommand("perl", ["-e", wrapper, process.execPath, BIN, "up", "-c", config, "--output", "json"], { cwd: project.dir, env: BACKENDS.posix_spawn });
  expect(result.code, result.stderr).toBe(0);
  const run = finished(parseEvents(result.stdout));
  expect(readFileSync(run.results[0]?.logPath as string, "utf8")).toContain("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
});

it.runIf(process.platform === "linux")("doctor warns when real-time signals netra-start inherited ignored would reach stages ignored (the child_process path only)", async () => {
  const config = project.write("startup.yaml", "version: 1\nstages:\n  a: { command: \"true\" }\n");
  const wrapper = "$SIG{NUM36} = 'IGNORE'; $SIG{NUM40} = 'IGNORE'; exec @ARGV or die";
  const doctor = (env: Record<string, string | undefined>) => runCommand("perl", ["-e", wrapper, process.execPath, BIN, "doctor", "-c", config], { cwd: project.dir, env });
  const warning = "real-time signals 36, 40 are ignored by whatever started netra-start, and stay ignored in stages on the child_process path";
  expect((await doctor(BACKENDS.child_process)).stdout).toContain(warning);
  expect((await doctor(BACKENDS.posix_spawn)).stdout).not.toContain("real-time signal");
});

it.runIf(process.platform === "linux")("uses the native spawner on Linux, and doctor says so", async () => {
  const config = project.write("startup.yaml", "version: 1\nstages:\n  a: { command: \"true\" }\n");
  const native = await runCli(["doctor", "-c", config, "--format", "json"], { cwd: project.dir, env: BACKENDS.posix_spawn });
  expect(native.stdout).toContain("stages start with posix_spawn (the native spawner)");
  const forced = await runCli(["doctor", "-c", config, "--format", "json"], { cwd: project.dir, env: BACKENDS.child_process });
  expect(forced.stdout).toContain("stages start with child_process.spawn, slower: NETRA_SPAWN=child_process");
});
