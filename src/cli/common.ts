// Options every command shares, resolved once: flag > environment > default.
import path from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { analyzeConfig, type Analysis } from "../config/analyze.js";
import { formatCodeFrame, formatDiagnosticLine, hasErrors, type Diagnostic } from "../config/diagnostic.js";
import type { Config } from "../config/types.js";
import { ExitCode, ExitError } from "./exit.js";
import { err } from "./io.js";

export type OutputMode = "tty" | "plain" | "json";

export interface CommonOptions {
  config?: string;
  profile?: string;
  stateDir?: string;
  output?: string;
}

export function addCommonOptions(command: Command): Command {
  return command
    .option("-c, --config <file>", "config file (env NETRA_START_CONFIG; default ./startup.yaml)")
    .option("-p, --profile <name>", "profile to merge over the file (env NETRA_START_PROFILE)")
    .option("--state-dir <dir>", "state directory (env NETRA_START_STATE_DIR; default .netra beside the config)")
    .addOption(new Option("--output <mode>", "output mode (env NETRA_START_OUTPUT)").choices(["auto", "tty", "plain", "json"]));
}

export function resolveOutputMode(option: string | undefined, env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): OutputMode {
  const chosen = option ?? env.NETRA_START_OUTPUT ?? "auto";
  if (chosen === "tty" || chosen === "plain" || chosen === "json") return chosen;
  return isTTY && !env.CI ? "tty" : "plain";
}

export function resolveStateDir(options: CommonOptions, configPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = options.stateDir ?? env.NETRA_START_STATE_DIR;
  return chosen ? path.resolve(chosen) : path.join(path.dirname(configPath), ".netra");
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], source: string | undefined, write: (line: string) => void = err): void {
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
