// Loading the config for a command: diagnostics printed (and, under GitHub Actions,
// annotated), exit 2 on errors.
import { analyzeConfig, type Analysis } from "../config/analyze.js";
import { formatCodeFrame, formatDiagnosticLine, hasErrors, type Diagnostic } from "../config/diagnostic.js";
import type { Config } from "../config/types.js";
import { diagnosticAnnotation } from "../output/github.js";
import type { CommonOptions } from "./options.js";
import { ExitCode, ExitError } from "./exit.js";
import { err } from "./io.js";
// `sources`: the config's text, or the text of each file a diagnostic may name (.env, env files).
export function printDiagnostics(diagnostics: readonly Diagnostic[], sources: string | ReadonlyMap<string, string> | undefined, write: (line: string) => void = err): void {
  // Under GitHub Actions each problem is also an annotation on its line of the config.
  if (process.env.GITHUB_ACTIONS === "true") for (const d of diagnostics) write(diagnosticAnnotation(d));
  for (const d of diagnostics) {
    write(formatDiagnosticLine(d));
    for (const line of formatCodeFrame(d, typeof sources === "string" || sources === undefined ? sources : sources.get(d.file))) write(line);
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (errors > 0) write(`${errors} error${errors === 1 ? "" : "s"}${warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""} in ${diagnostics[0]?.file ?? "config"}`);
}

// Loads the config or prints its diagnostics and exits 2: what every command but
// `validate` needs before it can do anything.
export function loadConfigOrExit(options: CommonOptions): { config: Config; analysis: Analysis } {
  const analysis = analyzeConfig({ config: options.config, profile: options.profile });
  if (hasErrors(analysis.diagnostics) || !analysis.config) {
    printDiagnostics(analysis.diagnostics, analysis.texts ?? analysis.text);
    throw new ExitError(ExitCode.invalid);
  }
  printDiagnostics(analysis.diagnostics, analysis.texts ?? analysis.text);
  return { config: analysis.config, analysis };
}
