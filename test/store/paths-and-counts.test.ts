// The pure parts: paths kept inside a folder, count flags, sizes, the lock holder's age.
import { describe, expect, it } from "vitest";
import { parseCount } from "../../src/cli/count-option.js";
import { describeHolder } from "../../src/store/session.js";
import { formatBytes, isDiskFull } from "../../src/util/disk-full.js";
import { childOf, insideDir, isInside } from "../../src/util/inside-dir.js";

describe("insideDir", () => {
  it("joins names that stay inside, refuses those that leave or are the folder itself", () => {
    expect(insideDir("/s/logs", "20261130-1200-ab12")).toBe("/s/logs/20261130-1200-ab12");
    expect(insideDir("/s/logs", "run", "pgids")).toBe("/s/logs/run/pgids");
    expect(insideDir("/s/logs", "..foo")).toBe("/s/logs/..foo");
    for (const bad of ["../../victim", "..", ".", "", "/etc", "a/../../b"]) expect(insideDir("/s/logs", bad), bad).toBeUndefined();
    expect(isInside("/s", "/s/logs/x.log")).toBe(true);
    expect(isInside("/s", "/etc/passwd")).toBe(false);
    expect(isInside("/s", "/s2/x")).toBe(false);
    // A run's folder is one plain name: `x/../other-run` stays inside logs/ but is another run's.
    expect(childOf("/s/logs", "20261130-1200-ab12")).toBe("/s/logs/20261130-1200-ab12");
    for (const bad of ["x/../other-run", "a/b", "..", "../../victim", "a\\b"]) expect(childOf("/s/logs", bad), bad).toBeUndefined();
  });
});

describe("parseCount", () => {
  it("takes whole numbers in range, refuses the rest with the flag and the range", () => {
    expect(parseCount("--limit", "20")).toBe(20);
    expect(parseCount("--limit", "1000000")).toBe(1_000_000);
    for (const bad of ["0", "1.5", "1e3", "-1", "", "abc", "1000001", "99999999999999999999"])
      expect(() => parseCount("--limit", bad), bad).toThrow(`--limit must be a whole number between 1 and 1000000, got "${bad}"`);
  });
});

describe("disk full and the lock holder", () => {
  it("recognises ENOSPC, EDQUOT and SQLITE_FULL; sizes read as people write them", () => {
    expect(["ENOSPC", "EDQUOT", "SQLITE_FULL"].map((code) => isDiskFull({ code }))).toEqual([true, true, true]);
    expect(isDiskFull({ code: "EACCES" })).toBe(false);
    expect(isDiskFull(null)).toBe(false);
    expect([0, 1023, 1024, 1536, 5 * 1024 ** 2, 3.5 * 1024 ** 3].map(formatBytes)).toEqual(["0 B", "1023 B", "1.0 KiB", "1.5 KiB", "5.0 MiB", "3.5 GiB"]);
  });

  it("describes a holder with pid, host, command, run and age", () => {
    const holder = { pid: 42, host: "build-07", acquiredAt: "2026-01-01T00:00:00.000Z", runId: "r1", command: "up", procStart: null };
    expect(describeHolder(holder, Date.parse("2026-01-01T03:05:00.000Z"))).toBe("pid 42 on build-07 (`netra-start up`, run r1) since 2026-01-01T00:00:00.000Z, 3h05m ago");
  });
});
