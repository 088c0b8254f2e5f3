// The commands' side of the control socket: find the state dir's supervisor, tell a
// running one from a dead one, send one request and read the one reply.
import net from "node:net";
import { ControlError } from "./control-error.js";
import type { ControlReply, ControlRequest } from "./protocol.js";
import { readSupervisorFile, supervisorAlive, type SupervisorInfo } from "./supervisor-file.js";

export type Found = { kind: "none" } | { kind: "dead"; info: SupervisorInfo } | { kind: "alive"; info: SupervisorInfo };

export function findSupervisor(stateDir: string): Found {
  const info = readSupervisorFile(stateDir);
  if (!info) return { kind: "none" };
  return supervisorAlive(info) ? { kind: "alive", info } : { kind: "dead", info };
}


/** One request, one reply. A restart waits for the stage to be ready again, so the wait is long by default. */
export function request(socket: string, body: ControlRequest, timeoutMs = 15 * 60_000): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const connection = net.createConnection(socket);
    let text = "";
    const timer = setTimeout(() => {
      connection.destroy();
      reject(new ControlError(`no answer from the supervisor on ${socket} within ${Math.round(timeoutMs / 1000)}s`));
    }, timeoutMs);
    connection.setEncoding("utf8");
    connection.on("connect", () => connection.write(`${JSON.stringify(body)}\n`));
    connection.on("data", (chunk: string) => (text += chunk));
    connection.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = error.code === "EACCES" ? "permission denied: the socket belongs to another user" : error.code === "ECONNREFUSED" || error.code === "ENOENT" ? "nobody listens on it" : error.message;
      reject(new ControlError(`cannot reach the supervisor on ${socket}: ${why}`));
    });
    connection.on("end", () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text) as ControlReply);
      } catch {
        reject(new ControlError(`the supervisor on ${socket} gave no answer (it may be stopping)`));
      }
    });
  });
}

/** Resolves once the process is gone (`down` waits for the supervisor to finish its teardown). */
export async function waitForExit(info: SupervisorInfo, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (supervisorAlive(info)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
