// What `status`, `restart`, `stop` and `down` share: find the state dir's supervisor and
// say plainly when none runs, or when the one recorded there died — and, where asked,
// clean up after a dead one: record its run abandoned, end the process groups it left.
import { rmSync } from "node:fs";
import { findSupervisor, type Found } from "../control/client.js";
import { socketPath, supervisorFile, type SupervisorInfo } from "../control/supervisor-file.js";
import { describeHolder, openSession } from "../store/session.js";
import { ExitCode, ExitError } from "./exit.js";
import { err } from "./io.js";

export function locateSupervisor(stateDir: string): Found {
  return findSupervisor(stateDir);
}

export function sayNoneRunning(stateDir: string): void {
  err(`no supervisor is running for ${stateDir}`);
  err("hint: `netra-start up --detach` starts one in the background; `netra-start up` in the foreground");
}

export function sayDead(info: SupervisorInfo): void {
  err(`the supervisor of run ${info.runId} (pid ${info.pid}) is no longer running (killed?)`);
  err("hint: `netra-start status` or `netra-start down` records that run abandoned and ends the processes it left running");
}

/** A supervisor that died: take the lock (recovery marks its run abandoned and ends its process groups) and remove its files. */
export async function cleanUpAfterDead(stateDir: string, info: SupervisorInfo): Promise<void> {
  const session = await openSession(stateDir, { command: "status", waitMs: 0 });
  if (!session.ok) {
    err(`the supervisor of run ${info.runId} (pid ${info.pid}) is gone, but another run holds the lock on ${stateDir}: ${describeHolder(session.holder)}`);
    throw new ExitError(ExitCode.locked);
  }
  try {
    err(`the supervisor of run ${info.runId} (pid ${info.pid}) died`);
    for (const a of session.abandoned)
      err(`cleaned up: run ${a.runId} recorded as abandoned${a.stoppedGroups.length ? `, ended ${a.stoppedGroups.length} process group${a.stoppedGroups.length === 1 ? "" : "s"} it left running` : ""}`);
    removeStaleFiles(stateDir);
  } finally {
    session.close();
  }
}

export function removeStaleFiles(stateDir: string): void {
  rmSync(supervisorFile(stateDir), { force: true });
  rmSync(socketPath(stateDir), { force: true });
}
