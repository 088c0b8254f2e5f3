// The text of a `.env` or `env_file` file → variables, by docker compose's syntax
// (docs.docker.com/compose/environment-variables/env-file/): `#` comment lines and blank
// lines skipped; `VAR=VAL`, an optional `export ` before it; single quotes literal;
// double quotes with \n \r \t \\ \" escapes, over several lines if need be; an unquoted
// value ends at ` #` (a comment needs a space before it). Unquoted and double-quoted
// values are interpolated like the config (`${VAR:-default}`…) through `lookup`.
// Pure: problems come back with their line and column.
import { interpolate } from "./interpolate.js";

export interface DotenvProblem {
  line: number;
  col: number;
  length: number;
  message: string;
  hint: string;
}

export interface DotenvResult {
  /** In file order; a repeated name keeps its last value. */
  values: Map<string, string>;
  problems: DotenvProblem[];
}

/** How a `${VAR}` in the file is looked up, given what the file has set so far. */
export type DotenvLookup = (name: string, earlier: ReadonlyMap<string, string>) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"', $: "$" };

export function parseDotenv(text: string, lookup: DotenvLookup): DotenvResult {
  const values = new Map<string, string>();
  const problems: DotenvProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const indent = raw.length - raw.trimStart().length;
    let rest = raw.trimStart();
    if (rest === "" || rest.startsWith("#")) continue;
    let col = indent + 1;
    const exported = /^export\s+/.exec(rest);
    if (exported) {
      rest = rest.slice(exported[0].length);
      col += exported[0].length;
    }
    const problem = (at: number, length: number, message: string, hint: string) => problems.push({ line: i + 1, col: at, length: Math.max(1, length), message, hint });
    const name = NAME.exec(rest)?.[0];
    const afterName = name === undefined ? "" : rest.slice(name.length).trimStart();
    if (name === undefined || (afterName !== "" && !afterName.startsWith("=") && !afterName.startsWith("#"))) {
      problem(col, rest.split(/[\s=]/)[0]?.length ?? 1, `expected VAR=VALUE, got ${JSON.stringify(rest.length > 40 ? `${rest.slice(0, 40)}…` : rest)}`, "names are letters, digits and _, not starting with a digit; write NAME=value, one per line");
      continue;
    }
    // `VAR` alone passes the variable's current value on, as compose does; unset, it is left out.
    if (!afterName.startsWith("=")) {
      const inherited = lookup(name, values);
      if (inherited !== undefined) values.set(name, inherited);
      continue;
    }
    const valueStart = afterName.slice(1).trimStart();
    const valueCol = col + rest.length - valueStart.length;
    const quote = valueStart[0];
    if (quote === "'" || quote === '"') {
      const startLine = i + 1;
      const read = readQuoted(lines, i, raw.length - valueStart.length + 1, quote);
      if (!read) {
        problem(valueCol, 1, `unclosed ${quote === "'" ? "single" : "double"} quote: the value that opens here runs to the end of the file`, `close the quote; inside it write \\${quote} for a ${quote}`);
        break;
      }
      const trailing = (lines[read.endLine] as string).slice(read.endCol).trim();
      if (trailing !== "" && !trailing.startsWith("#")) {
        problem(read.endCol + 1, trailing.length, `unexpected text after the closing quote: ${JSON.stringify(trailing)}`, "put a comment after a space and #, or put the whole value in the quotes");
        i = read.endLine;
        continue;
      }
      i = read.endLine;
      if (quote === "'") values.set(name, read.body.replace(/\\'/g, "'"));
      else setInterpolated(name, read.body.replace(/\\([nrt\\"$])/g, (_m, c: string) => (c === "$" ? "$$" : (ESCAPES[c] as string))), startLine, valueCol);
    } else {
      const comment = /\s#/.exec(valueStart);
      setInterpolated(name, (comment ? valueStart.slice(0, comment.index) : valueStart).trimEnd(), i + 1, valueCol);
    }
  }
  return { values, problems };

  function setInterpolated(name: string, value: string, line: number, col: number): void {
    // interpolate() reads variables by property access: answer each through `lookup`.
    const env = new Proxy({} as Record<string, string | undefined>, { get: (_t, key) => (typeof key === "string" ? lookup(key, values) : undefined) });
    const result = interpolate(value, env);
    for (const p of result.problems) {
      if (p.kind === "unset") continue; // an unset variable is empty, as in compose's env files
      if (p.kind === "required") problems.push({ line, col, length: value.length, message: `required variable ${p.name} is ${p.state === "unset" ? "not set" : "empty"}${p.message ? `: ${p.message}` : ""}`, hint: `set ${p.name} in the environment or earlier in this file` });
      else problems.push({ line, col, length: value.length, message: `invalid variable reference ${JSON.stringify(p.text)}`, hint: "write ${NAME}, ${NAME:-default} or ${NAME:?message}; use $$ for a literal $" });
    }
    values.set(name, result.value);
  }
}

// A quoted value from just after its opening quote, maybe over several lines; a quote
// preceded by a backslash does not close it.
function readQuoted(lines: readonly string[], startLine: number, startCol: number, quote: string): { body: string; endLine: number; endCol: number } | undefined {
  let body = "";
  for (let line = startLine, col = startCol; line < lines.length; line++, col = 0) {
    const text = lines[line] as string;
    for (let c = col; c < text.length; c++) {
      if (text[c] === "\\" && c + 1 < text.length) {
        body += text.slice(c, c + 2);
        c++;
      } else if (text[c] === quote) return { body, endLine: line, endCol: c + 1 };
      else body += text[c];
    }
    body += "\n";
  }
  return undefined;
}
