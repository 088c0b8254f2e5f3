// `init` in a user's project: the state dir kept out of git, the next command as the user
// can type it, and a starter graph that runs as written.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, runCli, tempProject, type TempProject } from "../helpers/cli.js";

let project: TempProject;
afterEach(() => project?.cleanup());

const gitignore = () => readFileSync(path.join(project.dir, ".gitignore"), "utf8");

describe("init and .gitignore", () => {
  it("creates a .gitignore holding .netra/ when there is none", async () => {
    project = tempProject();
    const result = await runCli(["init"], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("wrote .netra/ (run history and logs) into a new .gitignore");
    expect(gitignore().split("\n")).toContain(".netra/");
  });

  it("appends to an existing .gitignore once, keeping what it held", async () => {
    project = tempProject();
    project.write(".gitignore", "node_modules/\ndist"); // no final newline
    expect((await runCli(["init"], { cwd: project.dir })).stdout).toContain("added .netra/ (run history and logs) to .gitignore");
    const again = await runCli(["init", "--force"], { cwd: project.dir });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain(".gitignore");
    const lines = gitignore().split("\n");
    expect(lines.slice(0, 2)).toEqual(["node_modules/", "dist"]);
    expect(lines.filter((line) => line === ".netra/")).toHaveLength(1);
  });

  it("leaves a .gitignore that already ignores /.netra alone", async () => {
    project = tempProject();
    project.write(".gitignore", "/.netra\n");
    await runCli(["init"], { cwd: project.dir });
    expect(gitignore()).toBe("/.netra\n");
  });

  it("writes it beside a config given with -c, where the state dir goes", async () => {
    project = tempProject();
    const result = await runCli(["init", "-c", "deploy/startup.yaml"], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(project.dir, "deploy/.gitignore"), "utf8").split("\n")).toContain(".netra/");
    expect(result.stdout).toContain("next: npx netra-start plan -c deploy/startup.yaml, then npx netra-start up -c deploy/startup.yaml");
  });
});

describe("init's next command", () => {
  it("is `npx netra-start …` when netra-start is not on the PATH, or only in a node_modules/.bin", async () => {
    project = tempProject();
    const localBin = path.join(project.dir, "node_modules", ".bin");
    mkdirSync(localBin, { recursive: true });
    symlinkSync(BIN, path.join(localBin, "netra-start"));
    const result = await runCli(["init"], { cwd: project.dir, env: { PATH: `${localBin}${path.delimiter}${process.env.PATH ?? ""}` } });
    expect(result.stdout).toContain("next: npx netra-start plan, then npx netra-start up");
  });

  it("is `netra-start …` when the netra-start on the PATH is this one (a global install)", async () => {
    project = tempProject();
    const globalBin = path.join(project.dir, "global", "bin");
    mkdirSync(globalBin, { recursive: true });
    symlinkSync(BIN, path.join(globalBin, "netra-start"));
    const result = await runCli(["init"], { cwd: project.dir, env: { PATH: `${globalBin}${path.delimiter}${process.env.PATH ?? ""}` } });
    expect(result.stdout).toContain("next: netra-start plan, then netra-start up");
  });

  it("is `npx netra-start …` when another program holds the name", async () => {
    project = tempProject();
    const otherBin = path.join(project.dir, "other");
    mkdirSync(otherBin);
    writeFileSync(path.join(otherBin, "netra-start"), "#!/bin/sh\n", { mode: 0o755 });
    const result = await runCli(["init"], { cwd: project.dir, env: { PATH: `${otherBin}${path.delimiter}${process.env.PATH ?? ""}` } });
    expect(result.stdout).toContain("next: npx netra-start plan");
  });
});

describe("the starter graph", () => {
  it("runs as written: `up` is ready, exit 0, every stage ready", async () => {
    project = tempProject();
    expect((await runCli(["init"], { cwd: project.dir })).code).toBe(0);
    const up = await runCli(["up", "--output", "plain"], { cwd: project.dir });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    for (const stage of ["check-env", "prepare-dirs", "warm-cache", "app"]) expect(up.stdout).toMatch(new RegExp(`^${stage}\\s.*✔ ready`, "m"));
  });
});
