import { analyzeConfig } from "../../config/analyze.js";
import { hasErrors } from "../../config/diagnostic.js";
import { type CommonOptions } from "../options.js";
import { printDiagnostics } from "../load-config.js";
import { ExitCode } from "../exit.js";
import { out } from "../io.js";
import { dataFormat, printJson } from "../data-format.js";

export async function run(_args: string[], options: CommonOptions & { format?: string }): Promise<number> {
  const analysis = analyzeConfig({ config: options.config, profile: options.profile, allProfiles: true });
  const failed = hasErrors(analysis.diagnostics);
  if (dataFormat(options) === "json") {
    printJson({ valid: !failed, file: analysis.location.shown, diagnostics: analysis.diagnostics });
  } else {
    printDiagnostics(analysis.diagnostics, analysis.texts ?? analysis.text, out);
    if (!failed && analysis.config) {
      const { stages, profile } = analysis.config;
      const others = profile ? [] : (analysis.profilesChecked ?? []);
      const profiles = profile ? ` (profile ${profile})` : others.length > 0 ? ` (and profile${others.length === 1 ? "" : "s"} ${others.join(", ")})` : "";
      out(`${analysis.location.shown} is valid: ${stages.length} stage${stages.length === 1 ? "" : "s"}${profiles}`);
    }
  }
  return failed ? ExitCode.invalid : ExitCode.ready;
}
