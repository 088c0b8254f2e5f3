// Stage outputs: a command writes KEY=VALUE lines to $NETRA_OUTPUT; dependents receive
// them as NETRA_<STAGE>_<KEY>. Outputs flow to every stage downstream, not only direct
// dependents: a value loaded by `config` is usually needed three stages later.
import { existsSync, readFileSync } from "node:fs";

// KEY=VALUE per line; the key is trimmed, the value is taken verbatim (as GitHub's
// $GITHUB_OUTPUT does). Blank lines, # comments and lines without a key are skipped.
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const eq = line.indexOf("=");
    const key = eq < 0 ? "" : line.slice(0, eq).trim();
    if (key) outputs[key] = line.slice(eq + 1);
  }
  return outputs;
}

export function readOutputs(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    return parseOutputs(readFileSync(file, "utf8"));
  } catch {
    return {};
  }
}

export function outputEnvName(stage: string, key: string): string {
  return `NETRA_${stage}_${key}`.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

export function outputsToEnv(byStage: ReadonlyMap<string, Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [stage, outputs] of byStage) for (const [key, value] of Object.entries(outputs)) env[outputEnvName(stage, key)] = value;
  return env;
}
