import { analyzeConfig } from "../../config/analyze.js";
import { hasErrors } from "../../config/diagnostic.js";
import { type CommonOptions } from "../options.js";
import { printDiagnostics } from "../load-config.js";
import { ExitCode } from "../exit.js";
import { out } from "../io.js";
import { jsonLine } from "../../output/json-renderer.js";

export async function run(_args: string[], options: CommonOptions & { format?: string }): Promise<number> {
  const analysis = analyzeConfig({ config: options.config, profile: options.profile });
  const failed = hasErrors(analysis.diagnostics);
  if (options.format === "json") {
    out(jsonLine({ valid: !failed, file: analysis.location.shown, diagnostics: analysis.diagnostics }, 2));
  } else {
    printDiagnostics(analysis.diagnostics, analysis.text, out);
    if (!failed && analysis.config) {
      const { stages, profile } = analysis.config;
      out(`${analysis.location.shown} is valid: ${stages.length} stage${stages.length === 1 ? "" : "s"}${profile ? ` (profile ${profile})` : ""}`);
    }
  }
  return failed ? ExitCode.invalid : ExitCode.ready;
}
