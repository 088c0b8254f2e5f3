// `<state-dir>/supervisor.json`: which process supervises the state dir's current run and
// where its control socket is. Written once the socket listens, removed when it closes.
// A file naming a process that no longer runs (kill -9) is how commands tell "nothing
// runs" from "the supervisor died".
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { holderAlive, processStartTime } from "../store/lock.js";
import { hostname } from "node:os";

export interface SupervisorInfo {
  pid: number;
  /** With the pid, names one process even after the pid is reused. */
  procStart: string | null;
  runId: string;
  socket: string;
  startedAt: string;
  detached: boolean;
}

export function supervisorFile(stateDir: string): string {
  return path.join(stateDir, "supervisor.json");
}

/** The socket's path. Unix socket paths are limited to 107 bytes: `socketProblem` says when it is too long. */
export function socketPath(stateDir: string): string {
  return path.join(stateDir, "control.sock");
}

const SUN_PATH_MAX = 107;

export function socketProblem(file: string): string | undefined {
  const bytes = Buffer.byteLength(file);
  return bytes > SUN_PATH_MAX ? `the control socket path ${file} is ${bytes} bytes, more than the ${SUN_PATH_MAX} a Unix socket may have: use a shorter --state-dir` : undefined;
}

export function writeSupervisorFile(stateDir: string, info: Omit<SupervisorInfo, "pid" | "procStart">): void {
  const full: SupervisorInfo = { pid: process.pid, procStart: processStartTime(process.pid), ...info };
  writeFileSync(supervisorFile(stateDir), `${JSON.stringify(full)}\n`, { mode: 0o600 });
}

/** Removes the file only while it still names this process (a newer supervisor may have replaced it). */
export function removeSupervisorFile(stateDir: string): void {
  const info = readSupervisorFile(stateDir);
  if (info && info.pid !== process.pid) return;
  rmSync(supervisorFile(stateDir), { force: true });
  rmSync(socketPath(stateDir), { force: true });
}

export function readSupervisorFile(stateDir: string): SupervisorInfo | undefined {
  try {
    const value = JSON.parse(readFileSync(supervisorFile(stateDir), "utf8")) as SupervisorInfo;
    return Number.isInteger(value.pid) && typeof value.runId === "string" && typeof value.socket === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

// A zombie (dead, not yet reaped by whoever inherited it) supervises nothing.
export function supervisorAlive(info: SupervisorInfo): boolean {
  if (isZombie(info.pid)) return false;
  return holderAlive({ pid: info.pid, host: hostname(), acquiredAt: info.startedAt, runId: info.runId, command: "up", procStart: info.procStart });
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}
