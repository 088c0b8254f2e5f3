// `health.log` patterns are RE2 syntax, matched by re2js (a pure-JS port of RE2): the
// time is linear in the line's length whatever the pattern. A backtracking engine (V8's)
// took minutes on `^(a+)+$` against a line of a's ending in "!", and it runs on the
// supervisor's only thread: no timeout fired and SIGTERM waited. The price is what RE2
// leaves out — backreferences, lookaround, possessive quantifiers — rejected at validate.
import { createRequire } from "node:module";
import type { RE2JS } from "re2js";

export interface LinePattern {
  test(line: string): boolean;
}

export type PatternCheck = { ok: true; pattern: LinePattern } | { ok: false; message: string; hint: string };

let engine: typeof RE2JS | undefined;
// ~260 KB of code: loaded on first use, so that only configs with a `log` probe pay for it.
function re2(): typeof RE2JS {
  engine ??= (createRequire(import.meta.url)("re2js") as { RE2JS: typeof RE2JS }).RE2JS;
  return engine;
}

export function compileLogPattern(source: string): PatternCheck {
  try {
    const compiled = re2().compile(source);
    return { ok: true, pattern: { test: (line) => compiled.test(line) } };
  } catch (error) {
    const { error: what, input } = error as { error?: string; input?: string | null };
    if (what === undefined) throw error; // not a syntax error: a bug
    return { ok: false, ...explain(source, what, input ?? source) };
  }
}

/** For the engine: the config stage has already rejected what RE2 cannot compile. */
export function logPattern(source: string): LinePattern {
  const check = compileLogPattern(source);
  if (!check.ok) throw new Error(`log pattern passed validation but does not compile: ${check.message}`);
  return check.pattern;
}

/** Why a feature is missing, said once: "(log patterns are RE2 syntax: linear-time matching, no …)". */
const re2Note = (missing: string) => `(log patterns are RE2 syntax: linear-time matching, no ${missing})`;

// RE2's own words for the common cases are terse ("invalid escape sequence: `\1`"); say
// which feature is missing, why, and what to write instead.
function explain(source: string, what: string, input: string): { message: string; hint: string } {
  if (/\(\?<?[=!]/.test(source))
    return {
      message: `unsupported regular expression: lookaround \`${/\(\?<?[=!]/.exec(source)?.[0]}\` ${re2Note("lookahead or lookbehind")}`,
      hint: 'a line only has to contain the text: match it directly, e.g. "ready" rather than "(?=.*ready)"',
    };
  if (what === "invalid escape sequence" && /^\\([1-9]|k)/.test(input))
    return {
      message: `unsupported regular expression: backreference \`${input}\` ${re2Note("backreferences")}`,
      hint: "spell out what the group matches instead of referring back to it, e.g. (\\w+)=\\w+ rather than (\\w+)=\\1",
    };
  if (what === "invalid nested repetition operator" || input === "(?>")
    return {
      message: `unsupported regular expression: possessive quantifier or atomic group \`${input}\` ${re2Note("possessive quantifiers or atomic groups")}`,
      hint: "drop the extra + or the (?> ): RE2 never backtracks, so a+ already does what a++ does",
    };
  if (what === "invalid escape sequence")
    return { message: `invalid regular expression: unknown escape \`${input}\` (log patterns are RE2 syntax)`, hint: "escape only punctuation; \\d \\w \\s \\b work, and \\x{2713} stands for a code point" };
  if (what === "invalid repeat count")
    return { message: `invalid regular expression: repeat count \`${input}\``, hint: "RE2 allows counts up to 1000, with the smaller one first: use a smaller count, or + or *" };
  return { message: `invalid regular expression: ${what}: \`${input}\``, hint: "escape special characters such as ( [ . * with a backslash" };
}
