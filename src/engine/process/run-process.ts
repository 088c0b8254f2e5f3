// Runs one command as its own process group and reports how it ended. Every way out —
// exit, signal, timeout, cancel, spawn error — is a value; nothing here throws.
// Not execa: the 1000-stage benchmark showed execa's per-process machinery (buffering,
// cleanup hooks, its own kill handling) costing more than the budget, and we need none
// of it; how the process is started is spawn-child.ts — see bench/chain-overhead.mjs.
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import type { Command } from "../../config/types.js";
import type { UserIdentity } from "./user-identity.js";
import { OutputLines } from "./output-lines.js";
import { groupAlive, terminateGroup } from "./process-group.js";
import { spawnChild } from "./spawn-child.js";
import { withUserEnv } from "./user-identity.js";
import type { StageLog } from "./stage-log.js";
import type { Redactor } from "../../redact/redactor.js";

export type ProcessOutcome =
  | { kind: "exit"; exitCode: number }
  | { kind: "signal"; signal: string }
  | { kind: "timeout" }
  | { kind: "cancelled" }
  | { kind: "spawn-error"; message: string };

export interface ProcessSpec {
  command: Command;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Undefined for services, which run until stopped. */
  timeoutMs: number | undefined;
  killTimeoutMs: number;
  signal: AbortSignal | undefined;
  log: StageLog | undefined;
  /** Output is redacted as it arrives, before the log, the tail or any line watcher sees it. */
  redactor: Redactor | undefined;
  onLine?: (line: string) => void;
  /** Run as this user (`user:`; the supervisor is root, checked before the run). */
  user?: UserIdentity;
}

export interface RunningProcess {
  pid: number | undefined;
  outcome: Promise<ProcessOutcome>;
  lines: OutputLines;
  /** Stop it now (SIGTERM, then SIGKILL after kill_timeout); outcome becomes "cancelled". */
  stop(): void;
}

const TAIL_LINES = 20;
/** How long output may keep flowing once a stage's process and group are gone. */
const PIPE_GRACE_MS = 300;
/** The same once we ended the group ourselves (timeout, cancel): what it wrote is
 * already in the pipe and read within a turn or two; only a daemon outside the group
 * could still be writing, and a stop must not wait for it (`up` ends within
 * kill_timeout + 1 s of a timeout or a signal). */
const PIPE_GRACE_AFTER_STOP_MS = 50;

function argvOf(command: Command): [string, string[]] {
  if ("shell" in command) return ["/bin/sh", ["-c", command.shell]];
  return [command.argv[0] as string, command.argv.slice(1)];
}

function spawnErrorMessage(error: NodeJS.ErrnoException, file: string): string {
  switch (error.code) {
    case "ENOENT":
      return `command not found: ${file}`;
    case "EACCES":
      return `permission denied: ${file} (is it executable?)`;
    case "ERR_NUL_BYTE": // already says what holds it, and how to fix it
      return `cannot start ${JSON.stringify(file)}: ${error.message}`;
    default:
      return `cannot start ${file}: ${error.message}`;
  }
}

export function startProcess(spec: ProcessSpec): RunningProcess {
  const lines = new OutputLines(TAIL_LINES, spec.onLine);
  const [file, args] = argvOf(spec.command);
  // A missing cwd makes spawn report ENOENT for the *command*: say what is really wrong.
  const cwdProblem = checkDirectory(spec.cwd);
  if (cwdProblem) return { pid: undefined, outcome: Promise.resolve({ kind: "spawn-error", message: cwdProblem }), lines, stop: () => undefined };

  const child = spawnChild(file, args, spec.cwd, spec.user ? withUserEnv(spec.env, spec.user) : spec.env, spec.user);
  const pid = child.pid;
  let ending: "timeout" | "cancelled" | undefined;
  let stopping: Promise<unknown> | undefined;
  const stop = (why: "timeout" | "cancelled") => {
    if (ending || pid === undefined) return;
    ending = why;
    stopping = terminateGroup(pid, spec.killTimeoutMs);
  };

  const timer = spec.timeoutMs === undefined ? undefined : setTimeout(() => stop("timeout"), spec.timeoutMs);
  const onAbort = () => stop("cancelled");
  spec.signal?.addEventListener("abort", onAbort, { once: true });
  if (spec.signal?.aborted) onAbort();

  // Output is redacted first (a secret split across chunks is held back until it can be
  // masked whole), then goes to the log (synchronously: see stage-log.ts) and through the
  // line splitter for the tail. One redacting stream per pipe (there is one: stdout and
  // stderr share it).
  const take = (text: string) => {
    if (text === "") return;
    lines.push(text);
    spec.log?.write(text);
  };
  const flushes: (() => void)[] = [];
  for (const stream of child.output) {
    const redacting = spec.redactor?.stream();
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => take(redacting ? redacting.write(chunk) : chunk));
    if (redacting) flushes.push(() => take(redacting.end()));
  }

  // A task's main process is done: whatever it left running in its group (a stray `&`
  // job) would outlive the stage, so end it, as systemd does for oneshot units.
  const leftoversEnded = child.exited.then(() => {
    if (pid !== undefined && !stopping && groupAlive(pid)) stopping = terminateGroup(pid, spec.killTimeoutMs);
  });
  // The attempt ends when its process and its group are gone, not when its pipes close: a
  // daemon that called setsid may hold them open forever. Read for a short grace (output
  // still in the pipe), then stop, and say who held it.
  const finished = child.exited.then(() => leftoversEnded).then(async () => {
    // A timer we clear ourselves: its pending timeout must not keep the process alive, and
    // an AbortController per stage (whose abort() builds a DOMException) costs at 10,000.
    let grace: NodeJS.Timeout | undefined;
    const graceOver = new Promise<false>((resolve) => {
      grace = setTimeout(() => resolve(false), ending ? PIPE_GRACE_AFTER_STOP_MS : PIPE_GRACE_MS);
    });
    const drained = await Promise.race([child.closed.then(() => true as const), graceOver]);
    clearTimeout(grace);
    if (!drained) {
      const holders = pipeHolders(child.fds(), spec.env);
      child.release();
      const note = `output pipe still held open after the stage's process exited${holders.length ? ` by ${holders.join(", ")}` : ""} (a daemon outside the stage's process group?); stopped reading it`;
      spec.log?.mark(note);
      lines.push(`\n[netra-start] ${note}\n`);
    }
    return child.ended;
  });
  const outcome = finished.then(async (end): Promise<ProcessOutcome> => {
    if (timer) clearTimeout(timer);
    spec.signal?.removeEventListener("abort", onAbort);
    await stopping;
    for (const flush of flushes) flush();
    lines.flush();
    if (end.kind === "spawn-error") return { kind: "spawn-error", message: spawnErrorMessage(end.error, file) };
    if (ending) return { kind: ending };
    if (end.signal) return { kind: "signal", signal: end.signal };
    return { kind: "exit", exitCode: end.code ?? 0 };
  });

  return { pid, outcome, lines, stop: () => stop("cancelled") };
}

// Who holds the output open: a process with an fd on the same pipe (native spawner), or —
// child_process uses socket pairs, whose far end has another inode — one that still
// carries this attempt's NETRA_RUN_ID/NETRA_STAGE/NETRA_ATTEMPT in its environment.
function pipeHolders(fds: number[], env: NodeJS.ProcessEnv): string[] {
  const pipes = new Set(fds.map((fd) => linkOf(`/proc/self/fd/${fd}`)).filter((l): l is string => l?.startsWith("pipe:") ?? false));
  const marks = env.NETRA_RUN_ID && env.NETRA_STAGE ? ["NETRA_RUN_ID", "NETRA_STAGE", "NETRA_ATTEMPT"].map((k) => `${k}=${env[k] ?? ""}\0`) : [];
  if (pipes.size === 0 && marks.length === 0) return [];
  const found: string[] = [];
  for (const pid of safeList("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const byPipe = pipes.size > 0 && safeList(`/proc/${pid}/fd`).some((fd) => pipes.has(linkOf(`/proc/${pid}/fd/${fd}`) ?? ""));
    const byEnv = !byPipe && marks.length > 0 && marks.every((m) => readText(`/proc/${pid}/environ`).includes(m));
    if (!byPipe && !byEnv) continue;
    const cmd = readText(`/proc/${pid}/cmdline`).replace(/\0/g, " ").trim().slice(0, 80);
    found.push(`pid ${pid}${cmd ? ` (${cmd})` : ""}`);
  }
  return found;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "latin1");
  } catch {
    return "";
  }
}

function linkOf(file: string): string | undefined {
  try {
    return readlinkSync(file);
  } catch {
    return undefined;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function checkDirectory(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : `working directory is not a directory: ${dir}`;
  } catch {
    return `working directory does not exist: ${dir}`;
  }
}
