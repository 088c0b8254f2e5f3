// examples/shop: real PostgreSQL and Redis (Debian packages), a migration, a Node API and
// a smoke test, brought up and torn down with `up --check` as CI would.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { queryDb } from "../helpers/db.js";
import { freePort, portInUse } from "../helpers/ports.js";
import { processesMatching } from "../helpers/processes.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-shop-");
  // PostgreSQL runs as the `postgres` user when the tests run as root: it must reach the data dir.
  chmodSync(project.dir, 0o755);
});
afterEach(() => project.cleanup());

// `npm run test:setup` installs both; on a machine without them this must fail, never skip.
function requireServers(): void {
  const postgres = spawnSync("sh", ["-c", "ls /usr/lib/postgresql/*/bin/postgres"], { encoding: "utf8" }).status === 0;
  const redis = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).status === 0;
  const missing = [postgres ? "" : "postgresql", redis ? "" : "redis-server"].filter(Boolean);
  if (missing.length > 0) throw new Error(`examples/shop needs ${missing.join(" and ")}: apt-get install ${missing.join(" ")} (\`npm run test:setup\` does this)`);
}

describe("examples/shop", () => {
  it("up --check brings PostgreSQL, Redis, the API and the smoke test up, then leaves nothing behind", async () => {
    requireServers();
    const [pg, redis, api] = [await freePort(), await freePort(), await freePort()];
    const shopDir = path.join(project.dir, "shop");
    const state = path.join(project.dir, "state");
    const result = await runCli(["up", "-c", path.join(ROOT, "examples/shop/startup.yaml"), "--check", "--state-dir", state, "--output", "plain"], {
      env: { SHOP_DIR: shopDir, SHOP_PG_PORT: String(pg), SHOP_REDIS_PORT: String(redis), SHOP_API_PORT: String(api) },
      timeoutMs: 90_000,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/api │ api listening on 127\.0\.0\.1:\d+/);
    expect(result.stdout).toContain("[smoke] ready");

    const [run] = queryDb(state, "SELECT status, exit_code FROM runs");
    expect(run).toEqual({ status: "ready", exit_code: 0 });
    expect(queryDb(state, "SELECT stage, status FROM stage_runs ORDER BY position")).toEqual(
      ["tools", "postgres-init", "postgres", "redis", "migrate", "api", "smoke"].map((stage) => ({ stage, status: "ready" })),
    );
    // --check stops the services in reverse readiness and undoes nothing: the cluster and
    // the migrated table stay (their cleanups drop them: `down --undo` only).
    const rollbacks = queryDb<{ stage: string; reason: string; action: string; status: string }>(state, "SELECT stage, reason, action, status FROM rollbacks ORDER BY seq");
    expect(rollbacks.every((r) => r.reason === "teardown" && r.action === "stopped" && r.status === "ok")).toBe(true);
    const order = rollbacks.map((r) => r.stage);
    expect(order.indexOf("api")).toBeLessThan(order.indexOf("postgres"));
    expect(order).not.toContain("migrate");
    expect(existsSync(path.join(shopDir, "pgdata", "PG_VERSION"))).toBe(true);
    // The readiness probe names a database that exists: no FATAL "database … does not exist".
    const runId = (queryDb<{ id: string }>(state, "SELECT id FROM runs")[0] as { id: string }).id;
    expect(readFileSync(path.join(state, "logs", runId, "postgres.log"), "utf8")).not.toMatch(/FATAL: +database .* does not exist/);
    expect(queryDb(state, "SELECT COUNT(*) AS n FROM health_checks WHERE stage = 'postgres' AND ok = 1")).toEqual([{ n: 1 }]);

    for (const port of [pg, redis, api]) expect(await portInUse(port)).toBe(false);
    expect(processesMatching(shopDir)).toEqual([]);
    expect(processesMatching(`--port ${redis}`)).toEqual([]);
  }, 120_000);
});
