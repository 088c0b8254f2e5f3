// Before `up` or `down` touches anything: the state dir and its logs/ must be writable
// directories. A path that is a file, or a read-only mount, is the user's to fix — said
// with the path and the fix, every problem at once, exit 2 — not a stack trace from the
// first mkdir halfway through a run.
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { StoreError } from "./store-error.js";

export function logsDir(stateDir: string): string {
  return path.join(stateDir, "logs");
}

export function checkStateDir(stateDir: string): void {
  const problems = [...problemsWith(stateDir, "state dir")];
  if (problems.length === 0) problems.push(...problemsWith(logsDir(stateDir), "logs dir"));
  if (problems.length === 0) return;
  throw new StoreError(
    problems.length === 1 ? (problems[0] as string) : `the state dir ${stateDir} cannot be used:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    "fix that, or choose another state dir with --state-dir / NETRA_START_STATE_DIR",
  );
}

// What is wrong with `dir` as a folder we must create files in; creates it when missing.
function problemsWith(dir: string, what: string): string[] {
  const kind = kindOf(dir);
  if (kind === "file") return [`the ${what} ${dir} is a file, not a directory: move it away (mv ${dir} ${dir}.old)`];
  if (kind === "missing") {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      return [`the ${what} ${dir} cannot be created (${describe(error)})`];
    }
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return [];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return [`the ${what} ${dir} is not writable (${code === "EROFS" ? "read-only file system" : describe(error)}): ${code === "EROFS" ? "remount it read-write" : `make it writable (chmod u+w ${dir})`}`];
  }
}

function kindOf(target: string): "dir" | "file" | "missing" {
  try {
    return statSync(target).isDirectory() ? "dir" : "file";
  } catch {
    return "missing";
  }
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === "ENOTDIR") return `a parent of it is a file`;
  if (e.code === "EROFS") return "read-only file system";
  if (e.code === "EACCES" || e.code === "EPERM") return "permission denied";
  return e.code ?? e.message;
}
