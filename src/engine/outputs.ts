// Stage outputs: a command writes KEY=VALUE lines to $NETRA_OUTPUT; dependents receive
// them as NETRA_<STAGE>_<KEY>. Outputs flow to every stage downstream, not only direct
// dependents: a value loaded by `config` is usually needed three stages later.
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { outputEnvName } from "../config/output-names.js";
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

export { outputEnvName };

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
  // One stat says whether the stage wrote the file at all (most write nothing) and how big.
  const size = fileSize(file);
  const hugeFile = size === undefined ? undefined : oversizedFile(stage, size);
  const outputs = { ...(hugeFile || !size ? {} : readOutputs(file)), ...moduleOutputs };
  const secretKeys = Object.keys(outputs).filter((key) => isSecretName(key, ctx.secretNames));
  let learned = false;
  for (const key of secretKeys) learned = ctx.redactor.add(outputs[key] as string) || learned;
  if (size !== undefined) {
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

// Saved only when no output lands on a variable another output already sets: a stage's
// two keys (`a-b`, `a_b`), or a key of another ready stage (`a` with `B_X` against `a-b`
// with `X`, both NETRA_A_B_X). Which value a dependent got would depend on timing.
export function saveOutputs(
  stage: Stage,
  file: string,
  moduleOutputs: Record<string, string> | undefined,
  ctx: { state: RunState; redactor: Redactor; secretNames: readonly string[] },
): { outputs: Record<string, string>; learned: boolean; tooLarge: OutputsTooLarge | undefined; collision: string | undefined } {
  const { outputs, secretKeys, learned, tooLarge } = learnOutputs(stage.name, file, moduleOutputs, ctx);
  if (tooLarge) return { outputs, learned, tooLarge, collision: undefined };
  // Nothing to save, nothing to collide: and no walk over every stage for each of 10,000.
  if (Object.keys(outputs).length === 0) return { outputs, learned, tooLarge: undefined, collision: undefined };
  const others = ctx.state.stages.filter((e) => e.stage.name !== stage.name).map((e) => ({ stage: e.stage.name, outputs: e.outputs }));
  const collision = findOutputCollision(stage.name, outputs, others);
  if (collision) return { outputs: {}, learned, tooLarge: undefined, collision };
  const keys = Object.keys(outputs);
  if (keys.length > 0) ctx.state.report({ type: "outputs-saved", stage: stage.name, file, keys, secretKeys });
  return { outputs, learned, tooLarge: undefined, collision: undefined };
}

/** Undefined when there is no such file. */
function fileSize(file: string): number | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false })?.size;
  } catch {
    return undefined;
  }
}
/** Says which two outputs would set the same variable, or undefined when none do. */
export function findOutputCollision(stage: string, outputs: Record<string, string>, others: readonly { stage: string; outputs: Record<string, string> }[]): string | undefined {
  const taken = new Map<string, { stage: string; key: string }>();
  for (const other of others) for (const key of Object.keys(other.outputs)) taken.set(outputEnvName(other.stage, key), { stage: other.stage, key });
  const own = new Map<string, string>();
  for (const key of Object.keys(outputs)) {
    const name = outputEnvName(stage, key);
    const earlier = own.get(name);
    if (earlier !== undefined) return `outputs "${earlier}" and "${key}" of stage "${stage}" both become ${name}; rename one of them`;
    own.set(name, key);
    const holder = taken.get(name);
    if (holder) return `output "${key}" of stage "${stage}" and output "${holder.key}" of stage "${holder.stage}" both become ${name}; rename one of them`;
  }
  return undefined;
}
