// Stage outputs: a command writes KEY=VALUE lines to $NETRA_OUTPUT; dependents receive
// them as NETRA_<STAGE>_<KEY>. Outputs flow to every stage downstream, not only direct
// dependents: a value loaded by `config` is usually needed three stages later.
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import type { Stage } from "../config/types.js";
import { isSecretName, type Redactor } from "../redact/redactor.js";
import { oversizedFile, oversizedOutputs, type OutputsTooLarge } from "./output-limits.js";
import type { RunState } from "./run-state.js";

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

// A stage's outputs, from its $NETRA_OUTPUT file and its module's init(): values whose key
// looks secret (or is listed in settings.secrets) are learned by the redactor before any
// event carries them, and the file under the state dir is rewritten masked, mode 0600.
// Dependents get the raw values from memory. Also after a failed attempt: what it wrote
// is a secret all the same, and its failure tail must not show it. Outputs too large to
// pass on as environment variables are `tooLarge`: the caller fails the stage on it.
export function learnOutputs(
  stage: string,
  file: string,
  moduleOutputs: Record<string, string> | undefined,
  ctx: { redactor: Redactor; secretNames: readonly string[] },
): { outputs: Record<string, string>; secretKeys: string[]; learned: boolean; tooLarge: OutputsTooLarge | undefined } {
  const hugeFile = oversizedFile(stage, fileSize(file));
  const outputs = { ...(hugeFile ? {} : readOutputs(file)), ...moduleOutputs };
  const secretKeys = Object.keys(outputs).filter((key) => isSecretName(key, ctx.secretNames));
  let learned = false;
  for (const key of secretKeys) learned = ctx.redactor.add(outputs[key] as string) || learned;
  if (existsSync(file)) {
    try {
      chmodSync(file, 0o600);
      if (secretKeys.length > 0) writeFileSync(file, ctx.redactor.redact(readFileSync(file, "utf8")), { mode: 0o600 });
    } catch {
      // The values are in memory; the outputs-saved event still names the file.
    }
  }
  const tooLarge = hugeFile ?? oversizedOutputs(stage, outputs, (key) => outputEnvName(stage, key));
  return { outputs, secretKeys, learned, tooLarge };
}

export function saveOutputs(
  stage: Stage,
  file: string,
  moduleOutputs: Record<string, string> | undefined,
  ctx: { state: RunState; redactor: Redactor; secretNames: readonly string[] },
): { outputs: Record<string, string>; learned: boolean; tooLarge: OutputsTooLarge | undefined } {
  const { outputs, secretKeys, learned, tooLarge } = learnOutputs(stage.name, file, moduleOutputs, ctx);
  const keys = Object.keys(outputs);
  if (keys.length > 0 && !tooLarge) ctx.state.report({ type: "outputs-saved", stage: stage.name, file, keys, secretKeys });
  return { outputs, learned, tooLarge };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
