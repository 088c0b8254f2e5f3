// How large a stage's outputs may be. Outputs reach every stage downstream as environment
// variables, and Linux refuses to start a process when one environment string passes
// 128 KiB (MAX_ARG_STRLEN) or all its arguments and environment pass ARG_MAX (2 MiB with
// the usual 8 MiB stack): every dependent would fail with "Argument list too long",
// naming nothing. So the stage that produced them fails instead, naming the key.
import type { AttemptFailure } from "./failure.js";

/** One output, `KEY=value` — half of MAX_ARG_STRLEN, leaving room for its variable name. */
export const MAX_OUTPUT_BYTES = 64 * 1024;
/** All of one stage's outputs: dependents receive those of every stage upstream. */
export const MAX_STAGE_OUTPUTS_BYTES = 256 * 1024;

export type OutputsTooLarge = Extract<AttemptFailure, { reason: "outputs-too-large" }>;

/** `variableOf` names the environment variable dependents would receive a key as. */
export function oversizedOutputs(stage: string, outputs: Record<string, string>, variableOf: (key: string) => string): OutputsTooLarge | undefined {
  let total = 0;
  for (const [key, value] of Object.entries(outputs)) {
    const bytes = Buffer.byteLength(key) + 1 + Buffer.byteLength(value);
    if (bytes > MAX_OUTPUT_BYTES) return { reason: "outputs-too-large", stage, key, variable: variableOf(key), bytes, limitBytes: MAX_OUTPUT_BYTES };
    total += bytes;
  }
  return total > MAX_STAGE_OUTPUTS_BYTES ? { reason: "outputs-too-large", stage, key: null, variable: null, bytes: total, limitBytes: MAX_STAGE_OUTPUTS_BYTES } : undefined;
}

/** An outputs file too big to hold valid outputs is not read into memory at all. */
export function oversizedFile(stage: string, bytes: number): OutputsTooLarge | undefined {
  return bytes > MAX_OUTPUTS_FILE_BYTES ? { reason: "outputs-too-large", stage, key: null, variable: null, bytes, limitBytes: MAX_STAGE_OUTPUTS_BYTES } : undefined;
}

/** Comments and blank lines do not count against the limit; past this the file is refused unread. */
const MAX_OUTPUTS_FILE_BYTES = 16 * 1024 * 1024;

export function describeOutputsTooLarge(failure: OutputsTooLarge): string {
  const fix = "write large data to a file and output its path";
  if (failure.key === null) return `outputs of stage ${failure.stage} total ${formatBytes(failure.bytes)}, more than the ${formatBytes(failure.limitBytes)} a stage may output (${fix})`;
  return `output ${failure.key} of stage ${failure.stage} is ${formatBytes(failure.bytes)}, more than the ${formatBytes(failure.limitBytes)} one output may hold: dependents receive it as the environment variable ${failure.variable} (${fix})`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${+(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
