// `netra-start logs`: a line's time is its attempt's; --since keeps recent attempts, --tail the last lines.
import { describe, expect, it } from "vitest";
import { parseLogLines, selectLines } from "../../src/output/log-lines.js";

const log = ["--- 2026-11-30T10:00:00.000Z attempt 1/2", "old line", "--- 2026-11-30T10:10:00.000Z attempt 2/2", "new line", "last line"].join("\n");

describe("log lines", () => {
  it("gives each line the time of the attempt it belongs to, carrying on across reads", () => {
    const { lines, sectionAt } = parseLogLines(log, undefined);
    expect(lines.map((l) => [l.text, l.marker, l.sectionAt])).toEqual([
      ["--- 2026-11-30T10:00:00.000Z attempt 1/2", true, Date.parse("2026-11-30T10:00:00.000Z")],
      ["old line", false, Date.parse("2026-11-30T10:00:00.000Z")],
      ["--- 2026-11-30T10:10:00.000Z attempt 2/2", true, Date.parse("2026-11-30T10:10:00.000Z")],
      ["new line", false, Date.parse("2026-11-30T10:10:00.000Z")],
      ["last line", false, Date.parse("2026-11-30T10:10:00.000Z")],
    ]);
    expect(parseLogLines("more", sectionAt).lines[0]?.sectionAt).toBe(sectionAt);
  });

  it("--since keeps the attempts that began within the window; --tail the last N of those", () => {
    const { lines } = parseLogLines(log, undefined);
    const now = Date.parse("2026-11-30T10:12:00.000Z");
    expect(selectLines(lines, { sinceMs: 5 * 60_000, now }).map((l) => l.text)).toEqual(["--- 2026-11-30T10:10:00.000Z attempt 2/2", "new line", "last line"]);
    expect(selectLines(lines, { tail: 2, now }).map((l) => l.text)).toEqual(["new line", "last line"]);
    expect(selectLines(lines, { tail: 0, now })).toEqual([]);
    expect(selectLines(lines, { now })).toHaveLength(5);
  });
});
