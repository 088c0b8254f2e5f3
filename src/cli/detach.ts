// `up --detach`: this process starts the supervisor again as a child in a session of its
// own (stdin from /dev/null, stdout and stderr appended to `logs/<run>/_supervisor.log`),
// shows what it relays — its events and its stderr, over a pipe on fd 3 — through the
// output mode chosen here, and returns once the graph is ready (or the run is over) with
// the exit code a foreground `up` would have had. The supervisor runs on; `status`,
// `logs`, `restart`, `stop` and `down` talk to it.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Consumer } from "../engine/event-sink.js";
import type { EngineEvent } from "../engine/events.js";
import { runLogDir } from "../engine/run-paths.js";
import { createRenderer } from "../output/renderer.js";
import type { AnnotationSource } from "../output/github.js";
import { checkStateDir } from "../store/state-dir.js";
import { printJson } from "./data-format.js";
import { err, setStderrRelay } from "./io.js";
import type { OutputMode } from "./options.js";
import { ExitCode } from "./exit.js";

const CHILD = "NETRA_START_DETACHED_CHILD";
const RUN_ID = "NETRA_START_DETACHED_RUN_ID";
/** The log a detached supervisor writes its own output to; `_` keeps it apart from stage logs (names start with [a-z0-9]). */
export const SUPERVISOR_LOG = "_supervisor.log";

type RelayMessage =
  | { kind: "event"; event: EngineEvent }
  | { kind: "stderr"; text: string }
  /** The graph is ready and the supervisor stays: `finished` is what a foreground run would have printed at its end. */
  | { kind: "detached"; pid: number; finished: Extract<EngineEvent, { type: "run-finished" }> };

/** In the child: the run id its parent chose (the log folder already exists), once; the variables are removed so stages never see them. */
export function detachedChild(): { runId: string } | undefined {
  if (process.env[CHILD] !== "1") return undefined;
  const runId = process.env[RUN_ID] ?? "";
  delete process.env[CHILD];
  delete process.env[RUN_ID];
  return { runId };
}

export interface ChildRelay {
  /** Forwards every (redacted) event to the parent. */
  consumer: Consumer;
  /** The graph is ready: send the summary, close the pipe; the parent returns. */
  detach(finished: Extract<EngineEvent, { type: "run-finished" }>): void;
}

// The child's end of the pipe. A parent that went away (Ctrl-C after detaching, a closed
// terminal) is no reason to stop: what cannot be relayed is dropped.
export function childRelay(): ChildRelay {
  let pipe: net.Socket | undefined = new net.Socket({ fd: 3, readable: false, writable: true });
  pipe.unref();
  pipe.on("error", () => close());
  const send = (message: RelayMessage) => pipe?.write(`${JSON.stringify(message)}\n`);
  const close = () => {
    setStderrRelay(undefined);
    pipe?.end();
    pipe = undefined;
  };
  setStderrRelay((text) => send({ kind: "stderr", text }));
  return {
    consumer: {
      name: "the terminal that started the supervisor",
      onEvent: (event) => {
        send({ kind: "event", event });
        if (event.type === "run-finished") close();
      },
    },
    detach: (finished) => {
      send({ kind: "detached", pid: process.pid, finished });
      close();
    },
  };
}

export interface DetachOptions {
  stateDir: string;
  mode: OutputMode;
  source: AnnotationSource;
}

export async function startDetached(options: DetachOptions): Promise<number> {
  checkStateDir(options.stateDir);
  const { newRunId } = await import("../engine/run.js");
  const runId = newRunId();
  const logDir = runLogDir(options.stateDir, runId);
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, SUPERVISOR_LOG);
  const fd = openSync(logFile, "a", 0o600);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ["ignore", fd, fd, "pipe"],
    env: { ...process.env, [CHILD]: "1", [RUN_ID]: runId },
  });
  closeSync(fd);
  const renderer = await createRenderer(options.mode, process.env, options.source);
  // Ctrl-C here, before the graph is ready, is Ctrl-C for the run: the child has its own session.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? ExitCode.internal : ExitCode.ready))));
  const pipe = child.stdio[3] as net.Socket;
  let detached: Extract<RelayMessage, { kind: "detached" }> | undefined;
  await new Promise<void>((resolve) => {
    let buffer = "";
    pipe.setEncoding("utf8");
    pipe.on("data", (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const message = JSON.parse(buffer.slice(0, end)) as RelayMessage;
        buffer = buffer.slice(end + 1);
        if (message.kind === "event") renderer.onEvent(message.event);
        else if (message.kind === "stderr") err(message.text);
        else detached = message;
      }
    });
    pipe.on("error", () => resolve());
    pipe.on("close", () => resolve());
  });
  for (const [s, h] of handlers) process.off(s, h);
  if (!detached) {
    // The run ended in the foreground's way (tasks only, a failure, a lock held): its code.
    const code = await exited;
    await renderer.close();
    return code;
  }
  child.unref();
  const { finished, pid } = detached;
  const next = "`netra-start status`, `netra-start logs -f`, `netra-start down`";
  if (options.mode === "json") printJson({ type: "detached", runId: finished.runId, pid, status: finished.status, exitCode: finished.exitCode, durationMs: finished.durationMs, results: finished.results, log: logFile });
  else renderer.onEvent({ ...finished, note: `running in the background: supervisor pid ${pid}, its output in ${logFile}; ${next}` });
  await renderer.close();
  return finished.exitCode;
}
