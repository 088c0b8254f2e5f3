// The supervisor's control socket, `<state-dir>/control.sock`: `status`, `restart`,
// `stop` and `down` from another terminal reach the running `up` through it.
//
// Who may connect: the socket is created mode 0600 (umask 0177 while it is bound, so it
// is never reachable by others, not even for an instant), and Linux requires write
// permission on a socket file to connect to it: only its owner (and root) can. Node
// offers no SO_PEERCRED, so the peer's uid is not checked separately; the mode is the
// check, as for the Docker and containerd sockets.
import { chmodSync, rmSync } from "node:fs";
import net from "node:net";
import type { Redactor } from "../redact/redactor.js";
import type { RunControl, RunView } from "../engine/run-control.js";
import { MAX_REQUEST_BYTES, parseRequest, type ControlReply, type ControlRequest } from "./protocol.js";
import { removeSupervisorFile, socketPath, socketProblem, writeSupervisorFile } from "./supervisor-file.js";
import { suggest } from "../config/suggest.js";

export interface ControlServer {
  /** Stops listening and removes the socket and supervisor.json. */
  close(): void;
}

export interface ControlServerOptions {
  stateDir: string;
  runId: string;
  detached: boolean;
  control: RunControl;
  redactor: Redactor;
  /** Something the user should know (the socket could not be made): said, the run goes on. */
  warn: (text: string) => void;
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const file = socketPath(options.stateDir);
  const tooLong = socketProblem(file);
  if (tooLong) {
    options.warn(`warning: ${tooLong}; status, restart, stop and down cannot reach this run`);
    return { close: () => undefined };
  }
  // We hold the state dir's lock: a socket file left here is a dead supervisor's.
  rmSync(file, { force: true });
  const server = net.createServer((socket) => serve(socket, options));
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(file, () => resolve());
    });
  } catch (error) {
    options.warn(`warning: cannot listen on ${file} (${(error as Error).message}); status, restart, stop and down cannot reach this run`);
    return { close: () => undefined };
  } finally {
    process.umask(umask);
  }
  chmodSync(file, 0o600);
  // The socket must not keep a finished run's process alive.
  server.unref();
  writeSupervisorFile(options.stateDir, { runId: options.runId, socket: file, startedAt: new Date().toISOString(), detached: options.detached });
  return {
    close() {
      server.close();
      removeSupervisorFile(options.stateDir);
    },
  };
}

function serve(socket: net.Socket, options: ControlServerOptions): void {
  let buffer = "";
  socket.setEncoding("utf8");
  socket.on("error", () => undefined); // a client that went away: nothing to answer
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    const end = buffer.indexOf("\n");
    if (end < 0 && buffer.length <= MAX_REQUEST_BYTES) return;
    socket.removeAllListeners("data");
    const request = parseRequest(end < 0 ? "" : buffer.slice(0, end));
    void answer(request, options).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
  });
}

async function answer(request: ControlRequest | undefined, options: ControlServerOptions): Promise<ControlReply> {
  const { control } = options;
  if (!request) return { ok: false, error: "not a control request", hint: "use the netra-start commands status, restart, stop and down" };
  switch (request.command) {
    case "status":
      return { ok: true, command: "status", pid: process.pid, view: redactView(control.view(), options.redactor) };
    case "restart":
    case "stop": {
      const unknown = unknownStage(request.stages, control.view());
      if (unknown) return unknown;
      const by = `netra-start ${request.command}`;
      // `stop` with no stage names stops every service that runs; the supervisor stays.
      const names = request.stages.length > 0 ? request.stages : control.view().stages.filter((s) => s.pid !== undefined).map((s) => s.name);
      const outcomes = request.command === "restart" ? await control.restart(names, by) : await control.stop(names, by);
      return { ok: true, command: request.command, outcomes: outcomes.map((o) => (o.ok ? o : { ...o, error: options.redactor.redact(o.error) })) };
    }
    case "down":
      control.release();
      return { ok: true, command: "down", pid: process.pid, runId: options.runId };
  }
}

function unknownStage(names: readonly string[], view: RunView): ControlReply | undefined {
  const known = view.stages.map((s) => s.name);
  const unknown = names.find((n) => !known.includes(n));
  if (unknown === undefined) return undefined;
  const close = suggest(unknown, known);
  return { ok: false, error: `unknown stage "${unknown}" in run ${view.runId}`, hint: close ? `did you mean "${close}"?` : `its stages: ${known.join(", ")}` };
}

function redactView(view: RunView, redactor: Redactor): RunView {
  const r = (text: string | undefined) => (text === undefined ? undefined : redactor.redact(text));
  return { ...view, stages: view.stages.map((s) => ({ ...s, lastError: r(s.lastError), health: s.health && { ...s.health, detail: redactor.redact(s.health.detail) } })) };
}
