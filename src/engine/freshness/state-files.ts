// What up-to-date tasks keep beside the database, in `<state-dir>/fresh/` (mode 0700):
// the HMAC key of their fingerprints, and each task's outputs from its last successful
// run, raw — secrets included — so they can be replayed to dependents. Both files are
// mode 0600; the database holds only hashes and the outputs' keys.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export function freshnessDir(stateDir: string): string {
  return path.join(stateDir, "fresh");
}

function outputsFile(dir: string, stage: string): string {
  return path.join(dir, `${stage}.outputs.json`);
}

/** The key if there is one: `plan` reads, and never makes, state. */
export function readKey(dir: string): Buffer | undefined {
  try {
    return readFileSync(path.join(dir, "key"));
  } catch {
    return undefined;
  }
}

/** The state dir's fingerprint key, made on first use (a lost key only makes every task run once more). */
export function loadKey(dir: string): Buffer {
  const file = path.join(dir, "key");
  try {
    return readFileSync(file);
  } catch {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    try {
      writeFileSync(file, key, { mode: 0o600, flag: "wx" });
      return key;
    } catch {
      return readFileSync(file); // made by another process in between
    }
  }
}

/** A task with no outputs leaves no file (and none from an earlier run). */
export function writeRecordedOutputs(dir: string, stage: string, outputs: Record<string, string>): void {
  const file = outputsFile(dir, stage);
  if (Object.keys(outputs).length === 0) return rmSync(file, { force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written aside and renamed: a run that dies mid-write leaves the old file or the new one.
  writeFileSync(`${file}.tmp`, JSON.stringify(outputs), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** The outputs recorded for `keys`, or undefined when the file is gone or does not hold them all. */
export function readRecordedOutputs(dir: string, stage: string, keys: readonly string[]): Record<string, string> | undefined {
  if (keys.length === 0) return {};
  try {
    const outputs = JSON.parse(readFileSync(outputsFile(dir, stage), "utf8")) as Record<string, unknown>;
    if (keys.every((k) => typeof outputs[k] === "string")) return Object.fromEntries(keys.map((k) => [k, outputs[k] as string]));
  } catch {
    // missing or damaged: the task runs again
  }
  return undefined;
}
