// The README's test command is what CI runs, and its provisioning step knows what to
// install on a fresh Debian machine.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT, tempProject, type TempProject } from "../helpers/cli.js";

let temp: TempProject;
afterEach(() => temp?.cleanup());

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

// The command on the README's line that runs every test, without its comment.
function readmeTestCommand(): string {
  const line = read("README.md").split("\n").find((text) => text.includes("&& npm test") && text.includes("#"));
  if (!line) throw new Error("README.md has no `… && npm test   # …` line");
  return line.slice(0, line.indexOf("#")).trim();
}

describe("the README's test command", () => {
  it("provisions, installs and tests, and .ci/run runs it word for word, then lint", () => {
    const command = readmeTestCommand();
    expect(command).toBe("npm run test:setup && npm ci && npm test");
    const ci = read(".ci/run").split("\n");
    expect(ci).toContain(command);
    expect(ci.indexOf("npm run lint")).toBeGreaterThan(ci.indexOf(command));
    expect(JSON.parse(read("package.json")).scripts["test:setup"]).toBe("bash scripts/test-setup.sh");
  });

  it("test:setup names every missing tool's Debian package and how it would install them", () => {
    temp = tempProject("netra-setup-");
    // A PATH with none of the tools: what a fresh machine looks like to the script.
    const result = spawnSync("/bin/bash", [path.join(ROOT, "scripts/test-setup.sh"), "--dry-run"], { encoding: "utf8", env: { PATH: temp.dir, HOME: temp.dir } });
    expect(result.status, result.stderr).toBe(0);
    const packages = ["python3", "make", "g++", "git", "tar", "libxml2-utils", "prometheus", "redis-server", "chromium", "graphviz", "bsdutils", "util-linux"];
    for (const name of packages) expect(result.stdout).toMatch(new RegExp(`^  ${name.replace("+", "\\+")}: `, "m"));
    const install = result.stdout.split("\n").find((line) => line.startsWith("would run: "));
    expect(install).toMatch(/^would run: (sudo )?apt-get update && (sudo )?apt-get install -y --no-install-recommends /);
    expect(install?.split(" ")).toEqual(expect.arrayContaining(packages));
  });
});
