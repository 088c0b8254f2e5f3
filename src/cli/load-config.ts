// Loading the config for a command: diagnostics printed (and, under GitHub Actions,
// annotated), exit 2 on errors.
import { analyzeConfig, type Analysis } from "../config/analyze.js";
import { formatCodeFrame, formatDiagnosticLine, hasErrors, type Diagnostic } from "../config/diagnostic.js";
import type { Config } from "../config/types.js";
import { diagnosticAnnotation } from "../output/github.js";
import type { CommonOptions } from "./options.js";
import { ExitCode, ExitError } from "./exit.js";
import { err } from "./io.js";
export function printDiagnostics(diagnostics: readonly Diagnostic[], source: string | undefined, write: (line: string) => void = err): void {
  // Under GitHub Actions each problem is also an annotation on its line of the config.
  if (process.env.GITHUB_ACTIONS === "true") for (const d of diagnostics) write(diagnosticAnnotation(d));
  for (const d of diagnostics) {
    write(formatDiagnosticLine(d));
    for (const line of formatCodeFrame(d, source)) write(line);
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
    printDiagnostics(analysis.diagnostics, analysis.text);
    throw new ExitError(ExitCode.invalid);
  }
  printDiagnostics(analysis.diagnostics, analysis.text);
  return { config: analysis.config, analysis };
}
