// Every fixture in fixtures/invalid has the exact `validate` output a user sees, in a
// golden file beside it; every fixture in fixtures/valid has its `plan --format json`.
// Regenerate after an intended change with UPDATE_GOLDEN=1 npm test, then review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli.js";

const update = process.env.UPDATE_GOLDEN === "1";

function fixtures(dir: string): string[] {
  return readdirSync(path.join(ROOT, "fixtures", dir))
    .filter((f) => f.endsWith(".yaml"))
    .sort();
}

function compareGolden(file: string, actual: string): void {
  if (update || !existsSync(file)) {
    writeFileSync(file, actual);
    if (!update) throw new Error(`golden file ${path.relative(ROOT, file)} was missing; written now, review it`);
    return;
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}

describe("fixtures/invalid: validate reports every problem with its location", () => {
  const names = fixtures("invalid");
  it("has at least 30 broken configs", () => expect(names.length).toBeGreaterThanOrEqual(30));
  for (const name of names) {
    it(name, async () => {
      const config = `fixtures/invalid/${name}`;
      const result = await runCli(["validate", "-c", config]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe("");
      expect(result.stdout).not.toMatch(/\n\s+at .*\.js:\d+/); // never a stack trace
      compareGolden(path.join(ROOT, config.replace(/\.yaml$/, ".expected.txt")), result.stdout);
    });
  }
});

describe("fixtures/valid: plan --format json", () => {
  for (const name of fixtures("valid")) {
    it(name, async () => {
      const config = `fixtures/valid/${name}`;
      const result = await runCli(["plan", "-c", config, "--format", "json"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      // One line on stdout; the golden file keeps it indented, to review its diffs.
      expect(result.stdout.split("\n")).toHaveLength(2);
      compareGolden(path.join(ROOT, config.replace(/\.yaml$/, ".plan.json")), `${JSON.stringify(JSON.parse(result.stdout), null, 2)}\n`);
    });
  }
});
