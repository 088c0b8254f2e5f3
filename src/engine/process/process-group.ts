// Signalling a stage's whole process group: the stage runs `detached`, so its pid is its
// group id and `kill(-pgid)` reaches every grandchild it started.
import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import { sleep } from "../../util/sleep.js";

export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

// kill(-pgid, 0) also succeeds while only zombies are left, and an init that reaps
// orphans lazily (as here: ~1.5 s) would make every stage wait. So when the cheap check
// says "alive", look in /proc for a member that is not a zombie.
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  const members = liveMembers(pgid, true);
  return members === undefined || members.length > 0;
}

/** The pids of a group's members that are not zombies (doctor names them). */
export function groupMembers(pgid: number): number[] {
  return signalGroup(pgid, 0) ? (liveMembers(pgid, false) ?? []) : [];
}

// undefined: /proc cannot be read.
function liveMembers(pgid: number, firstOnly: boolean): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = readProcStat(entry);
    if (stat === undefined) continue;
    // Fields after the parenthesised command: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") {
      members.push(Number(entry));
      if (firstOnly) break;
    }
  }
  return members;
}

// One buffer for every /proc/<pid>/stat read: readFileSync allocates 64 KiB per call for
// a file whose size /proc reports as 0, and a teardown reads every process's.
const statBuffer = Buffer.allocUnsafe(4096);

function readProcStat(pid: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/stat`, "r");
    return statBuffer.toString("latin1", 0, readSync(fd, statBuffer, 0, statBuffer.length, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// SIGTERM (or a service's stop_signal) to the group, SIGKILL to whatever is left after
// `graceMs`. Resolves once no live member remains (or after the SIGKILL, which cannot be refused).
export async function terminateGroup(pgid: number, graceMs: number, signal: NodeJS.Signals = "SIGTERM"): Promise<"gone" | "terminated" | "killed"> {
  if (!groupAlive(pgid)) return "gone";
  signalGroup(pgid, signal);
  const deadline = Date.now() + graceMs;
  for (let wait = 5; Date.now() < deadline; wait = Math.min(wait * 2, 100)) {
    await sleep(Math.min(wait, Math.max(1, deadline - Date.now())));
    if (!groupAlive(pgid)) return "terminated";
  }
  signalGroup(pgid, "SIGKILL");
  for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(20);
  return "killed";
}
