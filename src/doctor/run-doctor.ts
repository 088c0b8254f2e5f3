// `doctor`: every check, in the order a person would look. Works without a valid config
// (the state dir is still found from the config's location) and without a database.
import type { Finding } from "./finding.js";
import { checkConfig } from "./check-config.js";
import { checkEnvironment } from "./check-environment.js";
import { checkPreflight } from "./check-preflight.js";
import { checkRecords } from "./check-records.js";

export interface DoctorReport {
  configFile: string;
  stateDir: string;
  findings: Finding[];
}

export async function runDoctor(options: { config?: string; profile?: string; stateDirFor: (configPath: string) => string }): Promise<DoctorReport> {
  const { findings: configFindings, config, configPath } = checkConfig(options);
  const stateDir = options.stateDirFor(configPath);
  const preflight = config ? await checkPreflight(config) : [];
  return {
    configFile: configPath,
    stateDir,
    findings: [...configFindings, ...preflight, ...checkEnvironment(stateDir), ...checkRecords(stateDir)],
  };
}
