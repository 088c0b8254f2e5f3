// The env-file parser alone (src/config/dotenv.ts): compose's documented examples.
import { describe, expect, it } from "vitest";
import { parseDotenv } from "../../src/config/dotenv.js";

const parse = (text: string, env: Record<string, string> = {}) => parseDotenv(text, (name, earlier) => env[name] ?? earlier.get(name));
const values = (text: string, env: Record<string, string> = {}) => Object.fromEntries(parse(text, env).values);

describe("parseDotenv", () => {
  it("follows compose's syntax examples", () => {
    expect(values("VAR=VAL")).toEqual({ VAR: "VAL" });
    expect(values('VAR="VAL"')).toEqual({ VAR: "VAL" });
    expect(values("VAR='VAL'")).toEqual({ VAR: "VAL" });
    expect(values("VAR=VAL # comment")).toEqual({ VAR: "VAL" });
    expect(values("VAR=VAL# not a comment")).toEqual({ VAR: "VAL# not a comment" });
    expect(values('VAR="VAL # not a comment"')).toEqual({ VAR: "VAL # not a comment" });
    expect(values('VAR="VAL" # comment')).toEqual({ VAR: "VAL" });
    expect(values("VAR='$OTHER'", { OTHER: "x" })).toEqual({ VAR: "$OTHER" });
    expect(values("VAR='${OTHER}'", { OTHER: "x" })).toEqual({ VAR: "${OTHER}" });
    expect(values("VAR='Let\\'s go!'")).toEqual({ VAR: "Let's go!" });
    expect(values('VAR="{\\"hello\\": \\"json\\"}"')).toEqual({ VAR: '{"hello": "json"}' });
    expect(values('VAR="some\\tvalue"')).toEqual({ VAR: "some\tvalue" });
    expect(values("VAR='some\\tvalue'")).toEqual({ VAR: "some\\tvalue" });
    expect(values("VAR=some\\tvalue")).toEqual({ VAR: "some\\tvalue" });
  });

  it("reads multi-line quoted values, export, blank lines, comments and bare names", () => {
    expect(values('# c\n\nexport A=1\nKEY="line one\nline two"\nB=\nINHERITED\nUNSET_ONE\n', { INHERITED: "from-env" })).toEqual({ A: "1", KEY: "line one\nline two", B: "", INHERITED: "from-env" });
  });

  it("interpolates unquoted and double-quoted values, $$ as a literal $", () => {
    expect(values('A=1\nB=${A}-$A\nC="${MISSING:-def}"\nD=$$5\nE="\\$A"')).toEqual({ A: "1", B: "1-1", C: "def", D: "$5", E: "$A" });
  });

  it("locates problems: a bad name, text after a quote, an unclosed quote, a required variable", () => {
    expect(parse("1A=x\nB='x' y\nC=${NOPE:?set it}\nD=\"open").problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '1:1 expected VAR=VALUE, got "1A=x"',
      '2:6 unexpected text after the closing quote: "y"',
      "3:3 required variable NOPE is not set: set it",
      "4:3 unclosed double quote: the value that opens here runs to the end of the file",
    ]);
  });
});
