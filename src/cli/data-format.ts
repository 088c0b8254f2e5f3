// How a command that prints data prints it: `--format` when given, else JSON when the
// output mode is json (`--output json`, NETRA_START_OUTPUT=json), else text. JSON is one
// compact object per line and nothing else on stdout, so `jq -c`/`while read` take it.
import { jsonLine } from "../output/json-renderer.js";
import { resolveOutputMode } from "./options.js";
import { out } from "./io.js";

export function dataFormat(options: { format?: string; output?: string }): string {
  if (options.format) return options.format;
  return resolveOutputMode(options.output) === "json" ? "json" : "text";
}

/** One object: one line (jsonLine: no `##[` or line separator a CI runner would act on). */
export function printJson(value: unknown): void {
  out(jsonLine(value));
}

/** A list: one object per line (JSON Lines), nothing for an empty list. */
export function printJsonLines(values: readonly unknown[]): void {
  for (const value of values) out(jsonLine(value));
}
