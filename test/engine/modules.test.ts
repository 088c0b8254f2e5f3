// Module stages (.mjs, .cjs, .ts) in their own process, and the package's exported types.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, runCli, tempProject, type TempProject } from "../helpers/cli.js";
import { eventsOf, finished, parseEvents } from "../helpers/events.js";
import { freePort, portInUse } from "../helpers/ports.js";
import { processesMatching } from "../helpers/processes.js";

let project: TempProject;
beforeEach(() => {
  project = tempProject("netra-modules-");
});
afterEach(() => project.cleanup());

const modules = path.join(ROOT, "fixtures", "modules");
const up = (config: string, args: string[] = []) => {
  const file = project.write("startup.yaml", config);
  return runCli(["up", "-c", file, "--output", "json", ...args], { cwd: project.dir });
};

describe("module stages", () => {
  it("run .mjs, .cjs and .ts modules; outputs reach dependents through ctx.outputs and env", async () => {
    const result = await up(
      `version: 1\nstages:\n  config: { module: ${modules}/config.mjs }\n  cache: { module: ${modules}/cache.cjs, depends_on: [config] }\n  typed: { module: ${modules}/typed.ts, depends_on: [cache] }\n  check:\n    depends_on: [typed]\n    command: test "$NETRA_TYPED_TYPED" = yes && test "$NETRA_CONFIG_POOL" = 8\n`,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "stage-ready", "config")[0]?.outputs).toEqual({ DB_URL: "postgres://127.0.0.1:5433/app", POOL: "8" });
    expect(eventsOf(events, "stage-ready", "cache")[0]?.outputs).toEqual({ CACHE: "warm" });
    // typed.ts exports health(): it ran as the stage's health check.
    expect(eventsOf(events, "health-check", "typed")).toMatchObject([{ ok: true }]);
    const log = readFileSync(path.join(project.dir, ".netra", "logs", finished(events).runId, "typed.log"), "utf8");
    expect(log).toContain("typed stage typed with pool 4; cache is warm");
  });

  it("a thrown error fails the attempt with its message; the stack goes only to the log", async () => {
    const result = await up(`version: 1\nstages:\n  migrate: { module: ${modules}/throws.mjs, retries: 0 }\n`);
    expect(result.code).toBe(1);
    const failed = eventsOf(parseEvents(result.stdout), "stage-failed")[0]!;
    expect(failed.error).toBe('database refused the migration: relation "users" exists');
    const log = readFileSync(path.join(project.dir, ".netra", "logs", finished(parseEvents(result.stdout)).runId, "migrate.log"), "utf8");
    expect(log).toMatch(/at init \(.*throws\.mjs:2/);
  });

  it("a module with no init, or that cannot load, says so", async () => {
    const result = await up(`version: 1\ndefaults: { retries: 0, priority: low }\nstages:\n  empty: { module: ${modules}/no-init.mjs }\n  gone: { module: ./missing.mjs }\n`);
    const errors = Object.fromEntries(eventsOf(parseEvents(result.stdout), "stage-failed").map((e) => [e.stage, e.error]));
    expect(errors.empty).toBe(`module ${modules}/no-init.mjs does not export an init function`);
    expect(errors.gone).toMatch(new RegExp(`^cannot load module ${path.join(project.dir, "missing.mjs")}: Cannot find module`));
  });

  it("a timeout kills a module stuck in a busy loop", async () => {
    const started = Date.now();
    const result = await up(`version: 1\nstages:\n  spin: { module: ${modules}/busy.mjs, timeout: 500ms, kill_timeout: 300ms, retries: 0 }\n`);
    expect(result.code).toBe(1);
    expect(eventsOf(parseEvents(result.stdout), "stage-failed")[0]?.error).toBe("timed out after 500ms");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(processesMatching(`${modules}/busy.mjs`)).toEqual([]);
  });

  it("an init() that never settles, or a top-level await that never does, waits for the timeout", async () => {
    // Node would exit with a bare "exit code 13" as soon as nothing kept its loop busy.
    const result = await up(
      `version: 1\ndefaults: { timeout: 1500ms, kill_timeout: 300ms, retries: 0, priority: low }\nstages:\n  pending: { module: ${modules}/never-settles.mjs }\n  loading: { module: ${modules}/hangs-loading.mjs }\n`,
    );
    expect(result.code).toBe(3);
    const failed = eventsOf(parseEvents(result.stdout), "stage-failed");
    expect(failed.map((e) => [e.stage, e.error]).sort()).toEqual([
      ["loading", "timed out after 1.5s"],
      ["pending", "timed out after 1.5s"],
    ]);
    for (const e of failed) expect(e.durationMs).toBeGreaterThanOrEqual(1500);
    expect(processesMatching(`${modules}/never-settles.mjs`)).toEqual([]);
  });

  it("whatever a module throws, and a TypeScript syntax error, is said in one line", async () => {
    const result = await up(
      `version: 1\ndefaults: { retries: 0, priority: low }\nstages:\n  nothing: { module: ${modules}/throws-null.mjs }\n  unprintable: { module: ${modules}/throws-unprintable.mjs }\n  typo: { module: ${modules}/syntax-error.ts }\n`,
    );
    expect(result.code).toBe(3);
    const events = parseEvents(result.stdout);
    const errors = Object.fromEntries(eventsOf(events, "stage-failed").map((e) => [e.stage, e.error]));
    expect(errors).toEqual({
      nothing: `cannot load module ${modules}/throws-null.mjs: it threw null`,
      unprintable: "init() threw an object that cannot be printed",
      typo: `cannot load module ${modules}/syntax-error.ts: syntax error at ${modules}/syntax-error.ts:4:24: Unexpected ";"`,
    });
    // The host itself did not crash on what it was thrown.
    const log = readFileSync(path.join(project.dir, ".netra", "logs", finished(events).runId, "nothing.log"), "utf8");
    expect(log).not.toContain("Cannot read properties");
  });

  it("a module that exits before init() returns has failed, even with exit code 0", async () => {
    const result = await up(`version: 1\nstages:\n  quitter: { module: ${modules}/exits-early.mjs, retries: 0 }\n  after: { command: "true", depends_on: [quitter] }\n`);
    expect(result.code).toBe(1);
    const events = parseEvents(result.stdout);
    expect(eventsOf(events, "stage-failed", "quitter")[0]?.error).toBe("exited before init() returned (exit code 0)");
    expect(eventsOf(events, "stage-ready")).toEqual([]);
  });

  it("outputs too large to reach dependents fail the stage that produced them, naming the key", async () => {
    // Linux refuses an environment string over 128 KiB: every dependent would fail with
    // "Argument list too long". Retrying cannot shrink the output: one attempt.
    const writeHuge = `node -e "require('fs').writeFileSync(process.env.NETRA_OUTPUT, 'SMALL=1\\nHUGE=' + 'y'.repeat(5 * 1024 * 1024))"`;
    const result = await up(
      `version: 1\ndefaults: { retries: 2, priority: low }\nstages:\n  produce:\n    command: ${JSON.stringify(writeHuge)}\n  consume: { command: "true", depends_on: [produce] }\n  module-huge: { module: ${modules}/huge-output.mjs }\n  after-module: { command: "true", depends_on: [module-huge] }\n`,
    );
    expect(result.code).toBe(3);
    const events = parseEvents(result.stdout);
    const failed = Object.fromEntries(eventsOf(events, "stage-failed").map((e) => [e.stage, e]));
    expect(Object.keys(failed).sort()).toEqual(["module-huge", "produce"]);
    expect(failed.produce).toMatchObject({
      attempts: 1,
      error: "output HUGE of stage produce is 5 MiB, more than the 64 KiB one output may hold: dependents receive it as the environment variable NETRA_PRODUCE_HUGE (write large data to a file and output its path)",
    });
    expect(failed["module-huge"]?.error).toMatch(/^output PAYLOAD of stage module-huge is 5 MiB, more than the 64 KiB /);
    expect(eventsOf(events, "stage-skipped").map((e) => e.stage).sort()).toEqual(["after-module", "consume"]);
    expect(eventsOf(events, "outputs-saved")).toEqual([]);
  });

  it("a module service is ready once init() has returned and its health() passes; init()'s outputs reach dependents", async () => {
    const port = await freePort();
    const result = await up(
      `version: 1\nstages:\n  web: { kind: service, module: ${modules}/server.mjs, env: { PORT: "${port}" }, retries: 0 }\n  client:\n    depends_on: [web]\n    command: test "$NETRA_WEB_URL" = "http://127.0.0.1:${port}"\n`,
      ["--check"],
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const events = parseEvents(result.stdout);
    // The stage has no `health:`: the module's health() was its check.
    expect(eventsOf(events, "health-check", "web")).toMatchObject([{ ok: true }]);
    expect(eventsOf(events, "stage-ready", "web")[0]?.outputs).toEqual({ URL: `http://127.0.0.1:${port}` });
    expect(eventsOf(events, "stage-ready", "client")).toHaveLength(1);
    expect(await portInUse(port)).toBe(false);
  });

  it("rollback runs a module's cleanup()", async () => {
    const result = await up(`version: 1\nstages:\n  config: { module: ${modules}/config.mjs }\n  boom: { command: "exit 1", depends_on: [config], retries: 0 }\n`);
    expect(result.code).toBe(1);
    expect(readFileSync(path.join(project.dir, "undo.txt"), "utf8")).toBe("cleanup config\n");
    expect(eventsOf(parseEvents(result.stdout), "rollback-stage")).toMatchObject([{ stage: "config", status: "ok" }]);
  });
});

describe("exported types", () => {
  it("compile in a consumer project that imports netra-start; misuse does not", () => {
    const consumer = path.join(project.dir, "consumer");
    cpSync(path.join(ROOT, "fixtures", "consumer"), consumer, { recursive: true });
    mkdirSync(path.join(consumer, "node_modules"));
    symlinkSync(ROOT, path.join(consumer, "node_modules", "netra-start"));
    symlinkSync(path.join(ROOT, "node_modules", "@types"), path.join(consumer, "node_modules", "@types"));
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const good = spawnSync(process.execPath, [tsc, "-p", consumer], { encoding: "utf8" });
    expect(good.stdout + good.stderr).toBe("");
    expect(good.status).toBe(0);
    const wrong = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--types", "node", path.join(consumer, "wrong.ts")], { encoding: "utf8", cwd: consumer });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toContain("Type 'string' is not assignable to type 'number'");
    expect(wrong.stdout).toContain("Property 'nope' does not exist on type 'StageContext'");
    // Two full type-checks with @types/node (~9 s of CPU each): room for a loaded machine.
  }, 120_000);
});
