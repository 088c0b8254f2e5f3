// The pure parts of up-to-date tasks: input hashing that trusts size and mtime, and the
// reasons a task runs.
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_STAGE, type Stage } from "../../src/config/types.js";
import { hashInputs } from "../../src/engine/freshness/fingerprint.js";
import { changedInputs, checkFreshness, type FreshnessOptions } from "../../src/engine/freshness/freshness.js";
import { takeFingerprint } from "../../src/engine/freshness/fingerprint.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "netra-fp-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const KEY = Buffer.alloc(32, 7);
const task = (extra: Partial<Stage> = {}): Stage =>
  ({ ...(DEFAULT_STAGE as unknown as Stage), name: "t", dependsOn: [], env: {}, runner: { type: "command", command: { shell: "true" } }, cwd: dir, inputs: ["src/**/*.sql"], creates: [], ...extra }) as Stage;
const options = (previous: FreshnessOptions["previous"] = new Map(), force: FreshnessOptions["force"] = new Set()): FreshnessOptions => ({ dir: path.join(dir, "fresh"), key: KEY, previous, force });

describe("input hashing", () => {
  it("does not read a file whose size and mtime are unchanged", () => {
    const file = path.join(dir, "src", "a.sql");
    mkdirp(path.dirname(file));
    writeFileSync(file, "one");
    const { size, mtimeMs } = statSync(file);
    // A recorded hash no content has: kept as it is, so the file was not read.
    expect(hashInputs(task(), { "src/a.sql": { size, mtimeMs, hash: "recorded" } })["src/a.sql"]?.hash).toBe("recorded");
    // Same size, another mtime: read and hashed again.
    utimesSync(file, new Date(), new Date(mtimeMs + 5000));
    expect(hashInputs(task(), { "src/a.sql": { size, mtimeMs, hash: "recorded" } })["src/a.sql"]?.hash).toMatch(/^[0-9a-f]{40}$/);
  });

  it("lists added, changed and removed files in path order", () => {
    const f = (hash: string) => ({ size: 1, mtimeMs: 1, hash });
    expect(changedInputs({ "a.sql": f("1"), "b.sql": f("2"), "c.sql": f("3") }, { "a.sql": f("1"), "b.sql": f("9"), "d.sql": f("4") })).toEqual(["b.sql", "c.sql (removed)", "d.sql"]);
  });
});

describe("why a task runs", () => {
  it("no previous run, forced, command changed, env changed, dependency outputs changed, up to date", () => {
    const stage = task({ inputs: [] , creates: [] });
    const upstream = new Map([["db", { URL: "x" }]]);
    const recorded = new Map([["t", { fingerprint: takeFingerprint(stage, upstream, KEY, undefined), outputKeys: [] }]]);
    expect(checkFreshness(stage, upstream, options()).reason).toBe("no previous run");
    expect(checkFreshness(stage, upstream, options(recorded, true)).reason).toBe("forced (--force)");
    expect(checkFreshness({ ...stage, runner: { type: "command", command: { shell: "false" } } }, upstream, options(recorded)).reason).toBe("command changed");
    expect(checkFreshness({ ...stage, env: { A: "1" } }, upstream, options(recorded)).reason).toBe("env changed");
    expect(checkFreshness(stage, new Map([["db", { URL: "y" }]]), options(recorded)).reason).toBe("dependency outputs changed");
    expect(checkFreshness(stage, upstream, options(recorded))).toMatchObject({ upToDate: true, reason: "up to date", outputs: {} });
  });
});

function mkdirp(p: string): void {
  mkdirSync(p, { recursive: true });
}
