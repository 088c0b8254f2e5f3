// The health endpoint of a running `up`, probed with real HTTP requests: 503 before the
// graph is ready, 200 after; the bearer token; a non-loopback address without one refused.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { freePort } from "../helpers/ports.js";
import { processesMatching, waitFor } from "../helpers/processes.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-http-");
});
afterEach(() => project.cleanup());

const SERVICE = path.join(ROOT, "fixtures", "bin", "service.mjs");
const TOKEN = "s3cret-probe-token";

// Asks until the endpoint answers (it listens once the lock is taken): no fixed sleep.
async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const response = await fetch(url, { headers });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

describe("health endpoint (settings.http)", () => {
  it("503 before the graph is ready, 200 after, with per-stage JSON and live metrics; the token is required", async () => {
    const [port, http] = [await freePort(), await freePort()];
    const go = path.join(project.dir, "go");
    // Other test files start the same fixture at the same time: this one has its own label.
    const name = `http-${process.pid}`;
    const file = project.write(
      "startup.yaml",
      `version: 1\nsettings:\n  http: 127.0.0.1:${http}\n  http_token: \${PROBE_TOKEN}\nstages:\n  config: { command: "true" }\n  api:\n    kind: service\n    depends_on: [config]\n    command: until test -f ${go}; do sleep 0.02; done; exec node ${SERVICE} ${name}\n    env: { PORT: "${port}" }\n    health: { tcp: "127.0.0.1:${port}", interval: 30ms, retries: 1000 }\n`,
    );
    let pid = 0;
    let stdout = "";
    const running = runCli(["up", "-c", file, "--output", "json"], { cwd: project.dir, env: { PROBE_TOKEN: TOKEN }, onSpawn: (p) => (pid = p), onStdout: (text) => (stdout = text) });
    const base = `http://127.0.0.1:${http}`;
    const auth = { authorization: `Bearer ${TOKEN}` };

    expect((await get(`${base}/health/startup`)).status).toBe(401);
    expect((await get(`${base}/health/startup`, { authorization: "Bearer wrong" })).status).toBe(401);
    const before = await get(`${base}/health/startup`, auth);
    expect(before.status).toBe(503);
    expect(JSON.parse(before.text)).toMatchObject({ initialized: false, status: "starting" });
    expect((await get(`${base}/health/ready`, auth)).status).toBe(503);
    expect((await get(`${base}/health/live`, auth)).status).toBe(200);

    writeFileSync(go, "");
    await waitFor(() => stdout.includes('"type":"services-running"'), 15_000);
    const after = await get(`${base}/health/startup`, auth);
    expect(after.status).toBe(200);
    const body = JSON.parse(after.text);
    expect(body).toMatchObject({ initialized: true, status: "ready", metrics: { stages: 2, ready: 2, failed: 0 } });
    expect(body.stages).toEqual([
      expect.objectContaining({ name: "config", status: "ready", attempts: 1, lastError: null }),
      expect.objectContaining({ name: "api", kind: "service", status: "ready", attempts: 1, restarts: 0 }),
    ]);
    expect((await get(`${base}/health/ready`, auth)).status).toBe(200);
    const metrics = await get(`${base}/metrics`, auth);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain("# TYPE netra_start_stage_status gauge");
    expect(metrics.text).toMatch(/^netra_start_stage_status\{[^}]*stage="api"[^}]*status="ready"\} 1$/m);
    expect(metrics.text).toMatch(/^netra_start_initialized\{[^}]*\} 1$/m);
    expect((await get(`${base}/nowhere`, auth)).status).toBe(404);

    process.kill(pid, "SIGINT");
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(`health endpoint: http://127.0.0.1:${http}/health/startup`);
    // The token is a secret like any other: it reaches no output.
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
    expect(processesMatching(`${SERVICE} ${name}`)).toEqual([]);
  });

  it("a non-loopback address without http_token is refused before anything runs, exit 2", async () => {
    const file = project.write("startup.yaml", `version: 1\nsettings:\n  http: 0.0.0.0:9464\nstages:\n  a: { command: "touch ran" }\n`);
    const validate = await runCli(["validate", "-c", file], { cwd: project.dir });
    expect(validate.code).toBe(2);
    expect(validate.stdout + validate.stderr).toContain("startup.yaml:3:9 settings.http: the health endpoint on 0.0.0.0:9464 is reachable from other machines, and no settings.http_token is set");

    const plain = project.write("plain.yaml", `version: 1\nstages:\n  a: { command: "touch ran" }\n`);
    const flag = await runCli(["up", "-c", plain, "--http", "0.0.0.0:9464"], { cwd: project.dir });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--http 0.0.0.0:9464: the health endpoint would be reachable from other machines, and no settings.http_token is set");
    expect(flag.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(project.dir, "ran"))).toBe(false);
  });
});
