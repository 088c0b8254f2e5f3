// Is a task with `inputs`/`creates` up to date? Its fingerprint now against the one of its
// last successful run, plus every `creates` path present. Says why in the words `plan`,
// the output and stage_runs.why show: "no previous run", "command changed", "inputs
// changed: db/migrations/0042.sql", "up to date"…
import { existsSync } from "node:fs";
import path from "node:path";
import type { Stage } from "../../config/types.js";
import { takeFingerprint, type Fingerprint, type InputFile } from "./fingerprint.js";
import { readRecordedOutputs } from "./state-files.js";

export interface RecordedFingerprint {
  fingerprint: Fingerprint;
  /** Keys of the outputs that run gave (their values are in the state dir's 0600 file). */
  outputKeys: string[];
}

export interface FreshnessOptions {
  /** `<state-dir>/fresh`: the key and the recorded outputs. */
  dir: string;
  key: Buffer;
  /** Last successful run of each task, from the report database. */
  previous: ReadonlyMap<string, RecordedFingerprint>;
  /** `up --force`: every task (true) or the named ones run whatever their fingerprint. */
  force: true | ReadonlySet<string>;
}

export type Verdict =
  | { upToDate: true; reason: string; outputs: Record<string, string> }
  /** `fingerprint` undefined: it could not be taken (an unreadable input); nothing is recorded. */
  | { upToDate: false; reason: string; fingerprint: Fingerprint | undefined };

export const UP_TO_DATE = "up to date";

export function isFingerprinted(stage: Stage): boolean {
  return stage.kind === "task" && stage.inputs.length + stage.creates.length > 0;
}

export function checkFreshness(stage: Stage, upstream: ReadonlyMap<string, Record<string, string>>, options: FreshnessOptions): Verdict {
  const recorded = options.previous.get(stage.name);
  let fingerprint: Fingerprint;
  try {
    fingerprint = takeFingerprint(stage, upstream, options.key, recorded?.fingerprint);
  } catch (error) {
    // An input that cannot be read (permissions, a glob error): run, and say why.
    return { upToDate: false, reason: `inputs unreadable: ${error instanceof Error ? error.message : String(error)}`, fingerprint: undefined };
  }
  const outOfDate = (reason: string): Verdict => ({ upToDate: false, reason, fingerprint });
  if (options.force === true || options.force.has(stage.name)) return outOfDate("forced (--force)");
  if (!recorded) return outOfDate("no previous run");
  const before = recorded.fingerprint;
  if (before.command !== fingerprint.command) return outOfDate("command changed");
  if (before.env !== fingerprint.env) return outOfDate("env changed");
  if (before.upstream !== fingerprint.upstream) return outOfDate("dependency outputs changed");
  const changed = changedInputs(before.inputs, fingerprint.inputs);
  if (changed.length > 0) return outOfDate(`inputs changed: ${listed(changed)}`);
  const missing = stage.creates.find((file) => !existsSync(file));
  if (missing !== undefined) return outOfDate(`creates missing: ${path.relative(stage.cwd, missing) || missing}`);
  const outputs = readRecordedOutputs(options.dir, stage.name, recorded.outputKeys);
  if (!outputs) return outOfDate("recorded outputs missing");
  return { upToDate: true, reason: UP_TO_DATE, outputs };
}

/** Added, changed and removed files, in path order; a removed one says so. */
export function changedInputs(before: Record<string, InputFile>, now: Record<string, InputFile>): string[] {
  const changed = Object.keys(now).filter((file) => before[file]?.hash !== now[file]?.hash);
  const removed = Object.keys(before).filter((file) => !(file in now)).map((file) => `${file} (removed)`);
  return [...changed, ...removed].sort();
}

function listed(files: readonly string[]): string {
  const shown = files.slice(0, 3).join(", ");
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
}
