// `doctor`: every check, in the order a person would look. Works without a valid config
// (the state dir is still found from the config's location) and without a database.
import { Redactor, secretsFromEnv } from "../redact/redactor.js";
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

export async function runDoctor(options: { config?: string; profile?: string; stateDirFor: (configPath: string) => string; fullCheck?: boolean }): Promise<DoctorReport> {
  const { findings: configFindings, config, configPath } = checkConfig(options);
  const stateDir = options.stateDirFor(configPath);
  const preflight = config ? await checkPreflight(config) : [];
  // What doctor quotes (a port owner's command line, an output tail) passes the same
  // redaction as a run's output: the secrets of the environment and of the config.
  const redactor = new Redactor(secretsFromEnv([process.env, config?.dotenv ?? {}, ...(config?.stages.map((s) => s.env) ?? [])], config?.settings.secrets));
  const findings = [...configFindings, ...preflight, ...checkEnvironment(stateDir), ...checkRecords(stateDir, options.fullCheck)];
  return { configFile: configPath, stateDir, findings: findings.map((f) => redactFinding(f, redactor)) };
}

function redactFinding(finding: Finding, redactor: Redactor): Finding {
  if (!redactor.active) return finding;
  const r = (text: string) => redactor.redact(text);
  return { ...finding, message: r(finding.message), next: finding.next === undefined ? undefined : r(finding.next), details: finding.details?.map(r) };
}
