// The files of one run, under <state-dir>/logs/<run-id>/: a log per stage, and a private
// outputs/ folder for $NETRA_OUTPUT files and module results. Built in one place, each
// checked to stay inside the run's folder (stage names are validated, but a path is
// the last line of defence for what `rm` and recovery act on).
import path from "node:path";
import { childOf, mustBeInside, UnsafePathError } from "../util/inside-dir.js";

export function runLogDir(stateDir: string, runId: string): string {
  const dir = childOf(path.join(stateDir, "logs"), runId);
  if (!dir) throw new UnsafePathError(path.join(stateDir, "logs"), [runId]);
  return dir;
}

export function stageLogPath(logDir: string, stage: string): string {
  return mustBeInside(logDir, `${stage}.log`);
}

export function outputsDir(logDir: string): string {
  return path.join(logDir, "outputs");
}

export function stageOutputFile(logDir: string, stage: string): string {
  return mustBeInside(outputsDir(logDir), `${stage}.env`);
}

export function moduleResultFile(logDir: string, stage: string): string {
  return mustBeInside(outputsDir(logDir), `${stage}.result.json`);
}
