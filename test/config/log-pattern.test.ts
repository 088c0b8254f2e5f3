// `health.log` patterns: RE2 syntax, linear time, and a clear word for what RE2 lacks.
import { describe, expect, it } from "vitest";
import { compileLogPattern, logPattern } from "../../src/config/log-pattern.js";

const rejected = (source: string) => {
  const check = compileLogPattern(source);
  if (check.ok) throw new Error(`${source} compiled`);
  return check;
};

describe("log patterns", () => {
  it("match anywhere in a line, as a JavaScript RegExp's test() does", () => {
    const ready = logPattern("ready to accept connections");
    expect(ready.test("LOG:  database system is ready to accept connections")).toBe(true);
    expect(ready.test("starting")).toBe(false);
    expect(logPattern("^listening on \\d+$").test("listening on 8080")).toBe(true);
    expect(logPattern("(?i)READY").test("ready")).toBe(true);
  });

  it("take time linear in the line, even for a pattern that backtracks exponentially", () => {
    const line = `${"a".repeat(4096)}!`;
    const started = performance.now();
    expect(logPattern("^(a+)+$").test(line)).toBe(false);
    // A backtracking engine needs ~2^4096 steps; RE2 a few milliseconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("reject backreferences, lookaround and possessive quantifiers, saying why and what to write", () => {
    expect(rejected("(\\w+) \\1")).toMatchObject({ message: expect.stringContaining("backreference `\\1`"), hint: expect.stringContaining("(\\w+)=\\w+") });
    expect(rejected("(?<n>a)\\k<n>").message).toContain("backreference `\\k`");
    for (const look of ["(?=x)", "(?!x)", "(?<=x)", "(?<!x)"]) expect(rejected(`${look}ready`).message).toContain(`lookaround \`${look.slice(0, -2)}\``);
    expect(rejected("a++").message).toContain("possessive quantifier");
    expect(rejected("(?>a)").message).toContain("atomic group");
  });

  it("say what is wrong with other syntax", () => {
    expect(rejected("ready (")).toMatchObject({ message: "invalid regular expression: missing closing ): `ready (`", hint: "escape special characters such as ( [ . * with a backslash" });
    expect(rejected("a{1001}").hint).toContain("up to 1000");
    expect(rejected("\\u0041").message).toBe("invalid regular expression: unknown escape `\\u` (log patterns are RE2 syntax)");
  });
});
