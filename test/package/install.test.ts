// The README's "Use it in your project", step by step, in a fresh project with no network:
// the packed tarball (and a git URL) installs, its install script builds the native
// spawner or falls back without failing the install, `init` and `up --check` run through
// npx, and a module stage written against the package's types type-checks and runs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT, runCli, runCommand, tempProject, type TempProject } from "../helpers/cli.js";
import { localSqlitePrebuild, npm, packThisRepo, seedProject } from "../helpers/consumer.js";

let temp: TempProject;
afterEach(() => temp?.cleanup());

const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

const GREET_STAGE = `import type { StageContext, StageOutputs } from "netra-start";

export async function init(ctx: StageContext): Promise<StageOutputs> {
  ctx.log(\`hello from \${ctx.stage}, attempt \${ctx.attempt}\`);
  return { GREETED: "yes" };
}
`;

// What a user's tsconfig for Node looks like; @types/node comes from this repo's install.
const CONSUMER_TSCONFIG = JSON.stringify({
  compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: ["node"], typeRoots: [path.join(ROOT, "node_modules", "@types")] },
  include: ["stages"],
});

function newProject(name: string): { dir: string; env: Record<string, string> } {
  const dir = path.join(temp.dir, name);
  mkdirSync(dir);
  seedProject(dir, name);
  return { dir, env: localSqlitePrebuild(path.join(temp.dir, "prebuilds")) };
}

describe("installing the package in another project", () => {
  it("from the npm pack tarball: init, up --check, types, module stages, and a native build that may fail", { timeout: 600_000 }, async () => {
    temp = tempProject("netra-package-");
    const tarball = await packThisRepo(path.join(temp.dir, "pack"));
    const listed = spawnSync("tar", ["tzf", tarball], { encoding: "utf8" }).stdout.split("\n");
    for (const file of ["dist/index.d.ts", "dist/cli/main.js", "bin/netra-start.js", "netra-start.schema.json", "native/netra_spawn.c", "native/binding.gyp", "scripts/build-native.mjs", "LICENSE", "README.md"]) expect(listed).toContain(`package/${file}`);
    expect(listed.filter((file) => /^package\/(src|test|fixtures|native\/build)\//.test(file))).toEqual([]);
    // The shipped schema is the one the CLI validates with.
    const schema = spawnSync("tar", ["xzf", tarball, "-O", "package/netra-start.schema.json"], { encoding: "utf8" }).stdout;
    expect(JSON.parse(schema)).toEqual(JSON.parse((await runCli(["schema"])).stdout));

    const { dir, env } = newProject("app");
    const install = await npm("npm", ["install", "--save-dev", "--foreground-scripts", tarball], dir, env);
    expect(install.code, install.stdout + install.stderr).toBe(0);
    expect(install.stdout).not.toContain("the native spawner was not built");

    const init = await npm("npx", ["netra-start", "init"], dir, env);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain("next: npx netra-start plan, then npx netra-start up");
    expect(readFileSync(path.join(dir, ".gitignore"), "utf8").split("\n")).toContain(".netra/");
    const up = await npm("npx", ["netra-start", "up", "--check"], dir, env);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(/run \S+ ready in/);
    if (process.platform === "linux") expect((await npm("npx", ["netra-start", "doctor"], dir, env)).stdout).toContain("stages start with posix_spawn");

    temp.write("app/stages/greet.ts", GREET_STAGE);
    temp.write("app/tsconfig.json", CONSUMER_TSCONFIG);
    const tsc = await runCommand(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: dir, timeoutMs: 120_000 });
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
    // The dependent stage passes only if the module ran and returned its output.
    temp.write("app/typed.yaml", `version: 1\nstages:\n  greet: { module: ./stages/greet.ts }\n  greeted: { command: 'test "$NETRA_GREET_GREETED" = yes', depends_on: [greet], retries: 0 }\n`);
    const typed = await npm("npx", ["netra-start", "up", "--check", "-c", "typed.yaml"], dir, env);
    expect(typed.code, typed.stdout + typed.stderr).toBe(0);
    expect(typed.stdout).toMatch(/^greeted\s+✔ ready/m);

    // A first install where the compiler does not work: the install script warns, npm
    // still succeeds, stages start with child_process.
    rmSync(path.join(dir, "node_modules", "netra-start", "native", "build"), { recursive: true, force: true });
    const rebuild = await npm("npm", ["rebuild", "netra-start", "--foreground-scripts"], dir, { ...env, CC: "false", CXX: "false" });
    expect(rebuild.code, rebuild.stdout + rebuild.stderr).toBe(0);
    expect(rebuild.stdout + rebuild.stderr).toContain("the native spawner was not built");
    expect((await npm("npx", ["netra-start", "doctor"], dir, env)).stdout).toContain("stages start with child_process");
    expect((await npm("npx", ["netra-start", "up", "--check"], dir, env)).code).toBe(0);
  });

  // npm clones the repository, installs its devDependencies, runs `prepare` (which builds
  // dist/) and packs it. It installs the last commit, not uncommitted changes.
  it("from a git URL: npm builds it from the clone and it runs", { timeout: 900_000 }, async () => {
    temp = tempProject("netra-package-git-");
    const { dir, env } = newProject("app");
    const install = await npm("npm", ["install", "--save-dev", `git+file://${ROOT}`], dir, env, 900_000);
    expect(install.code, install.stdout + install.stderr).toBe(0);
    expect(existsSync(path.join(dir, "node_modules", "netra-start", "dist", "index.d.ts"))).toBe(true);
    expect((await npm("npx", ["netra-start", "init"], dir, env)).code).toBe(0);
    const up = await npm("npx", ["netra-start", "up", "--check"], dir, env);
    expect(up.code, up.stdout + up.stderr).toBe(0);
  });
});

