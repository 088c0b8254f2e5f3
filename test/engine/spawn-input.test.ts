// The checks both spawn paths share, before anything starts: NUL bytes and the PATH lookup.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findExecutable } from "../../src/engine/process/find-executable.js";
import { nulByteProblem } from "../../src/engine/process/nul-bytes.js";
import { ignoredRealtimeSignals } from "../../src/doctor/inherited-signals.js";

describe("nulByteProblem", () => {
  const fix = "a process cannot receive one; remove it";
  it("names what holds the NUL byte, and quotes no environment value (it may be a secret)", () => {
    expect(nulByteProblem("echo", ["ok", "a\0b"], {}, "/tmp")).toBe(`argument 2 of the command, "a\\u0000b", contains a NUL byte (\\0): ${fix}`);
    expect(nulByteProblem("ec\0ho", [], {}, "/tmp")).toBe(`the command "ec\\u0000ho" contains a NUL byte (\\0): ${fix}`);
    expect(nulByteProblem("echo", [], { TOKEN: "s3cret\0" }, "/tmp")).toBe(`environment variable TOKEN contains a NUL byte (\\0): ${fix}`);
    expect(nulByteProblem("echo", [], { "A\0B": "x" }, "/tmp")).toBe(`the name of environment variable "A\\u0000B" contains a NUL byte (\\0): ${fix}`);
    expect(nulByteProblem("echo", [], {}, "/tmp\0")).toBe(`the working directory "/tmp\\u0000" contains a NUL byte (\\0): ${fix}`);
  });
  it("passes everything else, undefined values included", () => {
    expect(nulByteProblem("echo", ["a", ""], { A: "b", B: undefined }, "/tmp")).toBeUndefined();
  });
});

describe("findExecutable", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "netra-find-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, mode: number) => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), "echo hi\n");
    chmodSync(path.join(dir, name), mode);
  };
  file("bin/tool", 0o755);
  file("bin/plain", 0o644);
  file("other/plain", 0o755);
  mkdirSync(path.join(dir, "bin/adir"));

  it("searches the stage's PATH in order, relative entries from its cwd, skipping what cannot run", () => {
    expect(findExecutable("tool", { PATH: `/nonexistent:${dir}/bin` }, "/")).toEqual({ ok: true, path: `${dir}/bin/tool` });
    expect(findExecutable("tool", { PATH: "bin" }, dir)).toEqual({ ok: true, path: `${dir}/bin/tool` });
    expect(findExecutable("plain", { PATH: `${dir}/bin:${dir}/other` }, "/")).toEqual({ ok: true, path: `${dir}/other/plain` });
  });
  it("ENOENT when nothing is there, EACCES when only something not executable (or a directory) is", () => {
    expect(findExecutable("missing", { PATH: `${dir}/bin` }, "/")).toEqual({ ok: false, code: "ENOENT" });
    expect(findExecutable("plain", { PATH: `${dir}/bin` }, "/")).toEqual({ ok: false, code: "EACCES" });
    expect(findExecutable("adir", { PATH: `${dir}/bin` }, "/")).toEqual({ ok: false, code: "EACCES" });
  });
  it("takes a path with a slash from the cwd, without searching", () => {
    expect(findExecutable("./bin/tool", { PATH: "/nonexistent" }, dir)).toEqual({ ok: true, path: `${dir}/bin/tool` });
    expect(findExecutable("./tool", { PATH: `${dir}/bin` }, dir)).toEqual({ ok: false, code: "ENOENT" });
    expect(findExecutable("bin/plain", {}, dir)).toEqual({ ok: false, code: "EACCES" });
  });
});

describe("ignoredRealtimeSignals", () => {
  it("reads SigIgn: real-time signals from 34 up, not glibc's 32 and 33 nor 1-31", () => {
    expect(ignoredRealtimeSignals("SigBlk:\t0000000000000000\nSigIgn:\t0000008881001000\n")).toEqual([36, 40]);
    expect(ignoredRealtimeSignals("SigIgn:\t0000000180001000\n")).toEqual([]);
    expect(ignoredRealtimeSignals("SigIgn:\t8000000000000000\n")).toEqual([64]);
    expect(ignoredRealtimeSignals("no such line")).toEqual([]);
  });
});
