// A running stack, controlled from another terminal: `up --detach`, `status`, `restart`,
// `stop`, `logs`, `down`, a supervisor killed with -9, and who may use the control socket.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type CliResult, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { freePort, portInUse } from "../helpers/ports.js";
import { processesMatching, waitFor } from "../helpers/processes.js";

let project: TempProject;
let stateDir: string;
beforeEach(() => {
  project = tempProject("netra-ctl-");
  stateDir = path.join(project.dir, ".netra");
});
afterEach(async () => {
  // A test that failed half-way must not leave a supervisor behind.
  const info = supervisorInfo();
  if (info) {
    try {
      process.kill(info.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await runCli(["down", "-c", path.join(project.dir, "startup.yaml")], { cwd: project.dir });
  }
  project.cleanup();
});

const SERVICE = path.join(ROOT, "fixtures", "bin", "service.mjs");

function supervisorInfo(): { pid: number; runId: string; socket: string } | undefined {
  const file = path.join(stateDir, "supervisor.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { pid: number; runId: string; socket: string }) : undefined;
}

function supervisorLog(): string {
  const runs = readdirSync(path.join(stateDir, "logs"));
  return runs.map((run) => {
    const file = path.join(stateDir, "logs", run, "_supervisor.log");
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  }).join("");
}

// A setup task, then a service on `port` whose process is node itself (argv form), so its pid is the one to kill.
function config(port: number, marker: string, extra = ""): string {
  return project.write(
    "startup.yaml",
    `version: 1
stages:
  setup:
    command: echo set up
  api:
    kind: service
    depends_on: [setup]
    command: [node, ${SERVICE}, ${marker}]
    env: { PORT: "${port}" }
    health: { http: "http://127.0.0.1:${port}/health", interval: 100ms, retries: 100 }
    backoff: { initial: 100ms, jitter: false }
${extra}`,
  );
}

const cli = (args: string[], file: string, options: Parameters<typeof runCli>[1] = {}) => runCli([...args, "-c", file], { cwd: project.dir, ...options });
const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;

interface Status {
  running: boolean;
  runId: string;
  pid: number;
  phase: string;
  stages: { name: string; kind: string; status: string; pid: number | null; restarts: number; uptimeMs: number | null; health: { ok: boolean; detail: string } | null; lastError: string | null }[];
}

// Each test runs a dozen CLI invocations one after another: room for a loaded machine.
describe("up --detach and the commands that talk to it", { timeout: 90_000 }, () => {
  it("detach → status → a killed service restarts → restart by hand → logs -f shows both → down leaves nothing running", async () => {
    const port = await freePort();
    const marker = `ctl-${port}`;
    const file = config(port, marker);

    const up = await cli(["up", "--detach", "--output", "plain"], file);
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    // The same summary a foreground run ends with, and where the supervisor went.
    expect(up.stdout).toMatch(/run \S+ ready in .* \(exit 0\)/);
    expect(up.stdout).toMatch(/running in the background: supervisor pid \d+/);
    expect(up.stdout).toMatch(/api\s+✔ ready\s+critical/);
    const info = supervisorInfo();
    expect(info).toBeDefined();
    expect(await portInUse(port)).toBe(true);

    const first = json<Status>(await cli(["status", "--output", "json"], file));
    expect(first).toMatchObject({ running: true, pid: info?.pid, runId: info?.runId, phase: "running" });
    const api = first.stages.find((s) => s.name === "api");
    expect(api).toMatchObject({ kind: "service", status: "ready", restarts: 0, health: { ok: true, detail: "HTTP 200" }, lastError: null });
    expect(first.stages.find((s) => s.name === "setup")).toMatchObject({ kind: "task", status: "ready", pid: null });

    // Follow the logs from another "terminal" while things happen.
    let followed = "";
    const follow = cli(["logs", "-f", "api"], file, { onStdout: (text) => (followed = text), timeoutMs: 60_000 });
    await waitFor(() => followed.includes(`listening on ${port}`), 20_000);

    // The service crashes: the supervisor restarts it.
    process.kill(api?.pid as number, "SIGKILL");
    await waitFor(() => supervisorLog().includes("[api] restarted (restart 1)"), 20_000);
    const afterCrash = json<Status>(await cli(["status", "--output", "json"], file)).stages.find((s) => s.name === "api");
    expect(afterCrash).toMatchObject({ status: "ready", restarts: 1, lastError: "exited (killed by SIGKILL)" });
    expect(afterCrash?.pid).not.toBe(api?.pid);

    // By hand: back up before the command returns.
    const restart = await cli(["restart", "api"], file);
    expect(restart.stderr).toBe("");
    expect(restart.code).toBe(0);
    expect(restart.stdout).toMatch(/^api: restarted, ready \(pid \d+\)$/m);
    const afterRestart = json<Status>(await cli(["status", "--output", "json"], file)).stages.find((s) => s.name === "api");
    expect(afterRestart).toMatchObject({ status: "ready", restarts: 2, lastError: "exited (killed by SIGKILL)" });
    expect(supervisorLog()).toContain("[api] restart requested by netra-start restart");

    await waitFor(() => followed.split(`listening on ${port}`).length - 1 === 3, 20_000);
    expect(followed.match(/^api │ --- \S+ attempt \d+\/\d+$/gm)).toHaveLength(3);

    const down = await cli(["down"], file);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`stopped the supervisor of run ${info?.runId}`);
    // logs -f ends with the run.
    const followedEnd = await follow;
    expect(followedEnd.code).toBe(0);
    expect(processesMatching(marker)).toEqual([]);
    expect(await portInUse(port)).toBe(false);
    expect(supervisorInfo()).toBeUndefined();
    expect(existsSync(path.join(stateDir, "control.sock"))).toBe(false);
    const [run] = queryDb<{ status: string; exit_code: number }>(stateDir, "SELECT status, exit_code FROM runs WHERE id = ?", info?.runId);
    expect(run).toEqual({ status: "ready", exit_code: 0 });
    expect(queryDb(stateDir, "SELECT stage, reason, action FROM rollbacks WHERE run_id = ?", info?.runId)).toEqual([{ stage: "api", reason: "teardown", action: "stopped" }]);
    // No supervisor any more: said plainly.
    const none = await cli(["status"], file);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no supervisor is running for ${stateDir}`);
  });

  it("stop keeps the supervisor; restart brings the service back; a task runs again; unknown stages are exit 2", async () => {
    const port = await freePort();
    const marker = `ctl-${port}`;
    const file = config(port, marker);
    expect((await cli(["up", "--detach", "--output", "json"], file)).code).toBe(0);

    const stop = await cli(["stop", "api"], file);
    expect(stop.stdout).toBe("api: stopped\n");
    expect(processesMatching(marker)).toEqual([]);
    const stopped = json<Status>(await cli(["status", "--output", "json"], file));
    expect(stopped.stages.find((s) => s.name === "api")).toMatchObject({ status: "cancelled", pid: null, health: null });

    const again = await cli(["stop", "api"], file);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("api: not stopped: is not running (cancelled)");

    const back = await cli(["restart", "api", "setup"], file);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/^api: restarted, ready \(pid \d+\)\nsetup: restarted, ready\n$/);
    expect(await portInUse(port)).toBe(true);
    const setupLog = readFileSync(path.join(stateDir, "logs", supervisorInfo()?.runId as string, "setup.log"), "utf8");
    expect(setupLog.match(/^set up$/gm)).toHaveLength(2);

    const unknown = await cli(["restart", "apj"], file);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`error: unknown stage "apj" in run ${supervisorInfo()?.runId}\nhint: did you mean "api"?\n`);

    expect((await cli(["down"], file)).code).toBe(0);
    expect(processesMatching(marker)).toEqual([]);
  });

  it("restart db restarts api (its edge says restart: true) and leaves web (a plain edge) running", async () => {
    const [dbPort, apiPort, webPort] = [await freePort(), await freePort(), await freePort()];
    const marker = `ctl-${dbPort}`;
    const service = (name: string, port: number, deps: string) => `  ${name}:
    kind: service
${deps}    command: [node, ${SERVICE}, ${marker}-${name}]
    env: { PORT: "${port}" }
    health: { http: "http://127.0.0.1:${port}/health", interval: 100ms, retries: 100 }
`;
    const file = project.write(
      "startup.yaml",
      `version: 1
stages:
${service("db", dbPort, "")}${service("api", apiPort, "    depends_on: [{ stage: db, restart: true }]\n")}${service("web", webPort, "    depends_on: [db]\n")}`,
    );
    expect((await cli(["up", "--detach", "--output", "plain"], file)).code).toBe(0);
    const pids = async () => new Map(json<Status>(await cli(["status", "--output", "json"], file)).stages.map((s) => [s.name, s.pid]));
    const before = await pids();

    const restart = await cli(["restart", "db"], file);
    expect(restart.stderr).toBe("");
    expect(restart.code).toBe(0);
    expect(restart.stdout).toMatch(/^db: restarted, ready \(pid \d+\)\napi: restarted, ready \(pid \d+\)\n$/);
    expect(supervisorLog()).toContain("[api] restart requested by its dependency db restarting");

    const after = await pids();
    expect(after.get("db")).not.toBe(before.get("db"));
    expect(after.get("api")).not.toBe(before.get("api"));
    expect(after.get("web")).toBe(before.get("web"));
    expect(processesMatching(`${marker}-`)).toHaveLength(3);

    expect((await cli(["down"], file)).code).toBe(0);
    expect(processesMatching(marker)).toEqual([]);
  });

  it("kill -9 of the detached supervisor: status says so, records the run abandoned and ends what it left running", async () => {
    const port = await freePort();
    const marker = `ctl-${port}`;
    const file = config(port, marker);
    expect((await cli(["up", "--detach", "--output", "json"], file)).code).toBe(0);
    const info = supervisorInfo();
    process.kill(info?.pid as number, "SIGKILL");
    await waitFor(() => !existsSync(`/proc/${info?.pid}`) || readFileSync(`/proc/${info?.pid}/stat`, "latin1").split(") ")[1]?.startsWith("Z") === true);
    expect(processesMatching(marker)).not.toEqual([]);

    const restart = await cli(["restart", "api"], file);
    expect(restart.code).toBe(1);
    expect(restart.stderr).toContain(`the supervisor of run ${info?.runId} (pid ${info?.pid}) is no longer running`);

    const status = await cli(["status"], file);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`the supervisor of run ${info?.runId} (pid ${info?.pid}) died`);
    expect(status.stderr).toMatch(/cleaned up: run \S+ recorded as abandoned, ended 1 process group it left running/);
    expect(processesMatching(marker)).toEqual([]);
    expect(await portInUse(port)).toBe(false);
    expect(queryDb(stateDir, "SELECT status FROM runs WHERE id = ?", info?.runId)).toEqual([{ status: "abandoned" }]);
    expect(supervisorInfo()).toBeUndefined();

    // The next up starts cleanly; killed again, the next `up` itself sees it (its warning
    // reaches this terminal through the detaching pipe) and ends what was left.
    expect((await cli(["up", "--detach", "--output", "json"], file)).code).toBe(0);
    const second = supervisorInfo();
    process.kill(second?.pid as number, "SIGKILL");
    await waitFor(() => !existsSync(`/proc/${second?.pid}`) || readFileSync(`/proc/${second?.pid}/stat`, "latin1").split(") ")[1]?.startsWith("Z") === true);
    const third = await cli(["up", "--detach", "--output", "json"], file);
    expect(third.code).toBe(0);
    expect(third.stderr).toContain(`warning: run ${second?.runId} (pid ${second?.pid}) was abandoned by its supervisor; recorded as abandoned, ended 1 process group(s) it left running`);
    expect(queryDb(stateDir, "SELECT status FROM runs WHERE id = ?", second?.runId)).toEqual([{ status: "abandoned" }]);
    expect(processesMatching(marker)).toHaveLength(1);
    expect((await cli(["down"], file)).code).toBe(0);
  });

  it("the control socket is mode 0600: another user cannot connect", async () => {
    const port = await freePort();
    const file = config(port, `ctl-${port}`);
    expect((await cli(["up", "--detach", "--output", "json"], file)).code).toBe(0);
    const socket = path.join(stateDir, "control.sock");
    const mode = statSync(socket).mode;
    expect(statSync(socket).isSocket()).toBe(true);
    expect((mode & 0o777).toString(8)).toBe("600");
    // Let anyone reach the folder: only the socket's own mode stands in the way.
    chmodSync(project.dir, 0o755);
    chmodSync(stateDir, 0o755);
    const connect = `require("net").connect(${JSON.stringify(socket)}).on("connect", () => { console.log("connected"); process.exit(0) }).on("error", (e) => { console.log(e.code); process.exit(0) })`;
    const asNobody = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ["-e", connect], { uid: 65534, gid: 65534, stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      child.stdout.on("data", (d: Buffer) => (text += d.toString()));
      child.on("close", () => resolve(text.trim()));
    });
    expect(asNobody).toBe("EACCES");
    // The detached supervisor holds the lock: a second up is told who has it, exit 4.
    const second = await cli(["up", "--detach", "--output", "json"], file);
    expect(second.code).toBe(4);
    expect(second.stderr).toContain(`another run holds the lock on ${stateDir}: pid ${supervisorInfo()?.pid}`);
    expect((await cli(["down"], file)).code).toBe(0);
  });

  it("foreground up with services answers status from another terminal, and down ends it with exit 0", async () => {
    const port = await freePort();
    const marker = `ctl-${port}`;
    const file = config(port, marker);
    let stdout = "";
    const up = cli(["up", "--output", "plain"], file, { onStdout: (text) => (stdout = text), timeoutMs: 60_000 });
    await waitFor(() => stdout.includes("all ready"), 20_000);
    const status = json<Status>(await cli(["status", "--output", "json"], file));
    expect(status).toMatchObject({ running: true, phase: "running" });
    const down = await cli(["down"], file);
    expect(down.code).toBe(0);
    const result = await up;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/run \S+ ready in/);
    expect(processesMatching(marker)).toEqual([]);
  });

  it("detach returns the foreground's exit code and output when startup fails, and leaves nothing running", async () => {
    const file = project.write("startup.yaml", `version: 1\nstages:\n  broken:\n    command: [sh, -c, "echo boom; exit 3"]\n    retries: 0\n`);
    const up = await cli(["up", "--detach", "--output", "plain"], file);
    expect(up.code).toBe(1);
    expect(up.stdout).toMatch(/\[broken\] FAILED after 1 attempt: exit code 3/);
    expect(up.stdout).toMatch(/broken\s+✖ failed/);
    expect(supervisorInfo()).toBeUndefined();
    const status = await cli(["status"], file);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain("no supervisor is running");
  });

  it("logs works after the run without a supervisor: every stage prefixed, --tail per stage, control characters shown", async () => {
    const file = project.write(
      "startup.yaml",
      `version: 1\nstages:\n  alpha:\n    command: [sh, -c, "echo one; echo two; echo three"]\n  beta:\n    command: [sh, -c, "printf 'evil\\\\033[2J\\\\n'"]\n`,
    );
    expect((await cli(["up", "--output", "json"], file)).code).toBe(0);
    const all = await cli(["logs"], file);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split("\n");
    expect(lines.filter((l) => !/│ --- /.test(l))).toEqual(["alpha │ one", "alpha │ two", "alpha │ three", "beta  │ evil␛[2J"]);
    const tail = await cli(["logs", "alpha", "--tail", "1"], file);
    expect(tail.stdout).toBe("alpha │ three\n");
    const silent = await cli(["logs", "gamma"], file);
    expect(silent.stderr).toMatch(/^gamma: no output in run \S+\n$/);
    const missing = await cli(["logs", "--run", "nope"], file);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: no run "nope"');
  });

  it("up --watch: a change to a watched file re-runs its stage once, with a line naming the file; other files change nothing", async () => {
    const port = await freePort();
    const marker = `ctl-${port}`;
    project.write("src/a.txt", "one");
    const file = config(port, marker, `  build:\n    command: [sh, -c, "echo built"]\n    watch: ["src/*.txt"]\n`);
    let stdout = "";
    const up = cli(["up", "--watch", "--output", "plain"], file, { onStdout: (text) => (stdout = text), timeoutMs: 60_000 });
    await waitFor(() => stdout.includes("all ready"), 20_000);
    project.write("src/notes.md", "not watched");
    project.write("src/a.txt", "two");
    project.write("src/a.txt", "three");
    await waitFor(() => stdout.includes("[build] restarted (restart 1)"), 20_000);
    expect(stdout).toContain("[build] restart requested by a change to src/a.txt");
    expect(stdout).not.toContain("notes.md");
    // Two saves in a row are one restart.
    expect(stdout.match(/\[build\] restart requested/g)).toHaveLength(1);
    expect((await cli(["down"], file)).code).toBe(0);
    expect((await up).code).toBe(0);
    expect(processesMatching(marker)).toEqual([]);
  });

  it("down while the run is still starting stops it as SIGTERM would: interrupted, exit 143, nothing left", async () => {
    const marker = `slow-${Date.now()}`;
    const file = project.write("startup.yaml", `version: 1\nstages:\n  slow:\n    command: [sh, -c, "sleep 60 # ${marker}"]\n    timeout: 2m\n`);
    let stdout = "";
    const up = cli(["up", "--output", "plain"], file, { onStdout: (text) => (stdout = text), timeoutMs: 60_000 });
    await waitFor(() => stdout.includes("[slow] started") && supervisorInfo() !== undefined, 20_000);
    const down = await cli(["down"], file);
    expect(down.code).toBe(0);
    const result = await up;
    expect(result.code).toBe(143);
    expect(result.stdout).toMatch(/run \S+ interrupted/);
    expect(processesMatching(marker)).toEqual([]);
  });
});
