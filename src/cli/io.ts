// The only writers to stdout/stderr for command results. Commands print through these so
// that json output mode can guarantee nothing else reaches stdout.
import { textOutput } from "../output/workflow-commands.js";

export function out(text = ""): void {
  process.stdout.write(`${text}\n`);
}

/** Text that quotes stages or the config (doctor, report): under GitHub Actions, printed with workflow commands stopped. */
export function outLines(lines: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const output = textOutput(out, env.GITHUB_ACTIONS === "true");
  for (const line of lines) output.line(line);
  output.end();
}

let stderrRelay: ((text: string) => void) | undefined;

/** A detached supervisor's stderr is its log; until it detaches, its terminal gets a copy (cli/detach.ts). */
export function setStderrRelay(relay: ((text: string) => void) | undefined): void {
  stderrRelay = relay;
}

export function err(text = ""): void {
  process.stderr.write(`${text}\n`);
  stderrRelay?.(text);
}

export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.DEBUG ?? "").split(",").some((d) => d.trim() === "netra-start" || d.trim() === "netra-start:*" || d.trim() === "*");
}
