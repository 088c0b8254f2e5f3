// Health checks must stay within their bounds whatever the other side does: a server
// that accepts and never answers, a body that never ends, a log pattern that backtracks
// for ever. Each case runs the built CLI against a real server or process.
import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { afterEach, beforeEach, expect, it } from "vitest";
import { runCli, tempProject, type CliOptions, type TempProject } from "../helpers/cli.js";
import { eventsOf, parseEvents } from "../helpers/events.js";
import { processesMatching, waitFor } from "../helpers/processes.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-health-bounds-");
});
afterEach(() => {
  // A supervisor that hung (the bugs these tests cover) leaves its service behind.
  for (const p of processesMatching(project.dir)) process.kill(Number(p.split(":")[0]), "SIGKILL");
  project.cleanup();
});

const up = (config: string, options: CliOptions = {}) => {
  const file = project.write("startup.yaml", config);
  return runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir, timeoutMs: 20_000, ...options });
};
/** A service that does nothing for a while; its command names the project dir, so afterEach finds it. */
const idleService = () => project.write("idle.sh", "exec sleep 60\n");

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

it("http: the probe timeout fires against a server that accepts and never answers, even while the supervisor collects garbage", async () => {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  const port = await listen(silent);
  // Node 20 lost AbortSignal.timeout's timer when a collection ran before it fired.
  const gcOften = project.write("gc-often.mjs", "setInterval(() => globalThis.gc(), 5).unref();\n");
  try {
    const result = await up(
      `version: 1\nstages:\n  api:\n    kind: service\n    command: sh ${idleService()}\n    timeout: 15s\n    retries: 1\n    backoff: { initial: 50ms, jitter: false }\n    health: { http: "http://127.0.0.1:${port}/health", timeout: 300ms, interval: 50ms, retries: 1 }\n`,
      { env: { NODE_OPTIONS: `--expose-gc --import ${gcOften}` } },
    );
    expect(result.code, result.stderr).toBe(1);
    const events = parseEvents(result.stdout);
    const failures = eventsOf(events, "attempt-failed", "api");
    expect(failures.map((f) => f.error)).toEqual(["health check never passed after 2 checks: no answer within 300ms", "health check never passed after 2 checks: no answer within 300ms"]);
    // Two probes of 300 ms and a pause of 50 ms: far from the stage's 15 s.
    for (const failure of failures) expect(failure.durationMs).toBeLessThan(3000);
    expect(eventsOf(events, "health-check", "api").every((c) => c.durationMs < 1500)).toBe(true);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

it("http: body_contains reads at most 1 MiB of a body that never ends, then fails the probe and hangs up", async () => {
  const CHUNK = Buffer.alloc(64 * 1024, "x");
  // Bounded only so that the old behaviour (read it all) cannot take the machine down.
  const SERVE_AT_MOST = 256 * 1024 * 1024;
  const served: number[] = [];
  const endless = http.createServer((_req, res) => {
    let sent = 0;
    res.writeHead(200, { "content-type": "text/plain" });
    const pump = () => {
      while (sent < SERVE_AT_MOST) {
        sent += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once("drain", pump);
      }
    };
    res.on("close", () => served.push(sent));
    pump();
  });
  const port = await listen(endless);
  let peakKiB = 0;
  let watcher: NodeJS.Timeout | undefined;
  const watchPeakRss = (pid: number) => {
    watcher = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) peakKiB = Math.max(peakKiB, Number(hwm[1]));
      } catch {
        // it exited
      }
    }, 20);
  };
  try {
    const result = await up(
      `version: 1\nstages:\n  api:\n    kind: service\n    command: sh ${idleService()}\n    retries: 0\n    health: { http: { url: "http://127.0.0.1:${port}/health", body_contains: "all good" }, timeout: 5s, interval: 50ms, retries: 2 }\n`,
      { onSpawn: watchPeakRss },
    );
    expect(result.code, result.stderr).toBe(1);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "stage-failed", "api")[0]?.error).toBe("health check never passed after 3 checks: HTTP 200, body_contains: no match in the first 1 MiB of the body");
    await waitFor(() => served.length === 3);
    // Each probe hung up soon after its first MiB (what socket buffers held is on top).
    for (const bytes of served) expect(bytes).toBeLessThan(32 * 1024 * 1024);
    expect(peakKiB).toBeGreaterThan(0);
    expect(peakKiB / 1024).toBeLessThan(200);
  } finally {
    clearInterval(watcher);
    endless.closeAllConnections();
    endless.close();
  }
});

// `^(a+)+$` backtracks exponentially on a line of a's that ends in something else.
const CATASTROPHIC = "^(a+)+$";
const evilService = () => project.write("evil.sh", `line="$(printf 'a%.0s' $(seq 3000))!"\nwhile :; do echo "$line"; sleep 0.05; done\n`);

it("log: a catastrophic pattern on a long line does not stop the stage's timeout from firing on time", async () => {
  const result = await up(`version: 1\nstages:\n  api:\n    kind: service\n    command: sh ${evilService()}\n    timeout: 1s\n    retries: 0\n    health: { log: "${CATASTROPHIC}", interval: 50ms, retries: 1000 }\n`);
  expect(result.code, result.stderr).toBe(1);
  const failed = eventsOf(parseEvents(result.stdout), "stage-failed", "api")[0];
  expect(failed?.error).toBe("timed out after 1s");
  expect(failed?.durationMs).toBeLessThan(3000);
  expect(processesMatching(project.dir)).toEqual([]);
});

it("log: SIGTERM while a catastrophic pattern meets long lines exits 143 promptly, nothing left running", async () => {
  const file = project.write("startup.yaml", `version: 1\nstages:\n  api:\n    kind: service\n    command: sh ${evilService()}\n    timeout: 60s\n    health: { log: "${CATASTROPHIC}", interval: 50ms, retries: 1000 }\n`);
  let pid = 0;
  let seen = "";
  let exited = false;
  const running = runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir, timeoutMs: 20_000, onSpawn: (p) => (pid = p), onStdout: (text) => (seen = text) });
  void running.then(() => (exited = true));
  try {
    // The supervisor has matched the pattern against at least one such line.
    await waitFor(() => /"type":"service-output".*"line":"a{3000}!"/.test(seen));
    const sentAt = Date.now();
    process.kill(pid, "SIGTERM");
    const result = await running;
    expect(result.code, result.stderr).toBe(143);
    expect(Date.now() - sentAt).toBeLessThan(5000);
    expect(processesMatching(project.dir)).toEqual([]);
  } finally {
    if (pid && !exited) process.kill(pid, "SIGKILL");
    await running;
  }
});
