import { analyzeConfig } from "../config/analyze.js";
import { formatDiagnosticLine, hasErrors } from "../config/diagnostic.js";
import type { Config } from "../config/types.js";
import { fail, ok, warn, type Finding } from "./finding.js";

export function checkConfig(options: { config?: string; profile?: string }): { findings: Finding[]; config: Config | undefined; configPath: string } {
  const analysis = analyzeConfig({ config: options.config, profile: options.profile });
  const file = analysis.location.shown;
  const lines = analysis.diagnostics.map(formatDiagnosticLine);
  const errors = analysis.diagnostics.filter((d) => d.severity === "error").length;
  if (hasErrors(analysis.diagnostics) || !analysis.config) {
    return {
      findings: [fail("config", `${file} has ${errors} error${errors === 1 ? "" : "s"}`, `fix them (each line gives the place and a hint), then \`netra-start validate\``, { details: lines })],
      config: undefined,
      configPath: analysis.location.path,
    };
  }
  const config = analysis.config;
  const findings = [ok("config", `${file} is valid: ${config.stages.length} stage${config.stages.length === 1 ? "" : "s"}${config.profile ? `, profile ${config.profile}` : ", no profile"}`)];
  const warnings = analysis.diagnostics.length;
  if (warnings > 0) findings.push(warn("config", `${warnings} warning${warnings === 1 ? "" : "s"} in ${file}`, "see below; unset variables become empty strings", { details: lines }));
  return { findings, config, configPath: analysis.location.path };
}
