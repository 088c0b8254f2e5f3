// Starts one process in its own session and process group, stdin from /dev/null, stdout
// and stderr on one pipe (the stage log keeps the order they were written in, as a
// terminal or journald would), every signal unblocked and at its default — on one of two
// paths, with the same result:
// - posix_spawn through native/netra_spawn.c, where it was built (Linux): a flat
//   ~0.3 ms per process however large the supervisor's heap has grown;
// - child_process.spawn otherwise (or with NETRA_SPAWN=child_process): libuv forks,
//   and fork costs more as the heap grows (0.7 ms at 65 MB, 2.5 ms at 130 MB here).
// What could differ is decided here, once, before either starts anything: the PATH
// lookup (find-executable.ts), NUL bytes (nul-bytes.ts), and PWD. run-process.ts does
// everything else (timeouts, group kills, logs) the same way on both.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { createRequire } from "node:module";
import { Socket } from "node:net";
import { constants } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { findExecutable } from "./find-executable.js";
import { nulByteProblem } from "./nul-bytes.js";

export type ChildEnd = { kind: "ended"; code: number | null; signal: NodeJS.Signals | null } | { kind: "spawn-error"; error: NodeJS.ErrnoException };

export interface SpawnedChild {
  /** Undefined when it could not be started. */
  pid: number | undefined;
  /** Where its stdout and stderr arrive: one pipe for both. */
  output: Readable[];
  /** Its main process is gone (or never started); output from what it left behind may
   * still be flowing. Always settles, and before `closed`. */
  exited: Promise<void>;
  /** Gone, and all its output read (child_process's "close"). */
  closed: Promise<ChildEnd>;
  /** How its main process ended, known when it exits, whoever still holds its output pipe. */
  ended: Promise<ChildEnd>;
  /** Stop reading its output: a process outside its group (setsid) holds the pipe open. */
  release(): void;
  /** The read ends of its output pipes, to name whoever still holds them. */
  fds(): number[];
}

interface NativeSpawner {
  available(): boolean;
  /** `path` is the executable already looked up; argv[0] is the command as written. */
  spawn(path: string, argv: string[], envp: string[], cwd: string, onExit: (code: number | null, signal: number | null) => void): [number, number];
}

/** `fix` is absent where there is nothing to fix (not Linux). */
export type SpawnBackend = { name: "posix_spawn" } | { name: "child_process"; why: string; fix?: string };

let loaded: { backend: SpawnBackend; native: NativeSpawner | undefined } | undefined;

/** Which path starts processes here, and why not the fast one. Loads the addon once. */
export function spawnBackend(): SpawnBackend {
  return load().backend;
}

function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const forced = process.env.NETRA_SPAWN;
  if (forced === "child_process") return (loaded = { backend: { name: "child_process", why: "NETRA_SPAWN=child_process", fix: "unset NETRA_SPAWN to use the native spawner" }, native: undefined });
  if (process.platform !== "linux") return (loaded = { backend: { name: "child_process", why: `no native spawner on ${process.platform}` }, native: undefined });
  try {
    // The same path from src/ and from dist/: both are three levels below the package.
    const native = createRequire(import.meta.url)("../../../native/build/Release/netra_spawn.node") as NativeSpawner;
    if (!native.available()) return (loaded = { backend: { name: "child_process", why: "this kernel has no pidfd_open (Linux < 5.3?)", fix: "a Linux kernel 5.3 or newer" }, native: undefined });
    return (loaded = { backend: { name: "posix_spawn" }, native });
  } catch {
    return (loaded = { backend: { name: "child_process", why: "the native spawner is not built", fix: "install a C compiler (build-essential), then `npm rebuild netra-start`" }, native: undefined });
  }
}

export function spawnChild(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, user?: { uid: number; gid: number }): SpawnedChild {
  const problem = nulByteProblem(file, args, env, cwd);
  if (problem) return failed(spawnError("ERR_NUL_BYTE", problem));
  const found = findExecutable(file, env, cwd);
  if (!found.ok) return failed(spawnError(found.code, `${file}: ${found.code}`));
  // PWD names the directory the process starts in, as a shell would set it: the same
  // whether /bin/sh stands in between (below) or not.
  const childEnv = { ...env, PWD: path.resolve(cwd) };
  const { native } = load();
  // posix_spawn cannot change the user: a stage with `user:` starts through child_process,
  // which sets its uid and gid (and drops the supervisor's supplementary groups) before exec.
  return native && !user ? spawnNative(native, found.path, file, args, cwd, childEnv) : spawnWithNode(file, args, cwd, childEnv, user);
}

function spawnNative(native: NativeSpawner, executable: string, file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnedChild {
  const envp: string[] = [];
  for (const key in env) if (env[key] !== undefined) envp.push(`${key}=${env[key]}`);
  let onExit!: (end: ChildEnd) => void;
  const exit = new Promise<ChildEnd>((resolve) => (onExit = resolve));
  let pid: number;
  let fd: number;
  try {
    [pid, fd] = native.spawn(executable, [file, ...args], envp, cwd, (code, signal) => onExit({ kind: "ended", code, signal: signal === null ? null : signalName(signal) }));
  } catch (error) {
    return failed(error as NodeJS.ErrnoException);
  }
  const output = new Socket({ fd, readable: true, writable: false });
  const drained = new Promise<void>((resolve) => output.once("close", () => resolve()));
  // A read error (the pipe broke) ends the output like EOF does; nothing to report.
  output.on("error", () => undefined);
  return {
    pid,
    output: [output],
    exited: exit.then(() => undefined),
    closed: drained.then(() => exit),
    ended: exit,
    release: () => void output.destroy(),
    fds: () => [fd],
  };
}

// libuv gives each of stdout and stderr its own socket pair and cannot share one, so a
// /bin/sh in between puts stderr on stdout and then becomes the command (`exec`: same
// pid, same group, and execvp's PATH search and no-`#!` fallback). The command was
// already found, so sh fails only where spawn itself would.
const MERGE_STDERR = 'exec 2>&1; exec "$@"';

function spawnWithNode(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, user?: { uid: number; gid: number }): SpawnedChild {
  let child: ChildProcessByStdio<null, Readable, null>;
  try {
    child = spawn("/bin/sh", ["-c", MERGE_STDERR, "sh", file, ...args], { cwd, env, detached: true, stdio: ["ignore", "pipe", "ignore"], ...(user ?? {}) });
  } catch (error) {
    return failed(error as NodeJS.ErrnoException);
  }
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once("error", (error: NodeJS.ErrnoException) => (spawnError = error));
  // No "exit" when it never started; "close" comes either way.
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("close", () => resolve());
  });
  const closed = new Promise<ChildEnd>((resolve) =>
    child.once("close", (code: number | null, signal: NodeJS.Signals | null) => resolve(spawnError ? { kind: "spawn-error", error: spawnError } : { kind: "ended", code, signal })),
  );
  const ended = new Promise<ChildEnd>((resolve) => {
    child.once("exit", (code: number | null, signal: NodeJS.Signals | null) => resolve({ kind: "ended", code, signal }));
    void closed.then(resolve);
  });
  // Read now: Node drops a stream's handle once it ends.
  const fdOf = (stream: Readable) => (stream as unknown as { _handle?: { fd?: number } })._handle?.fd;
  const fds = [fdOf(child.stdout)].filter((fd): fd is number => typeof fd === "number" && fd >= 0);
  return {
    pid: child.pid,
    output: [child.stdout],
    exited,
    closed,
    ended,
    release: () => void child.stdout.destroy(),
    fds: () => fds,
  };
}

function spawnError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

function failed(error: NodeJS.ErrnoException): SpawnedChild {
  const end: ChildEnd = { kind: "spawn-error", error };
  return { pid: undefined, output: [], exited: Promise.resolve(), closed: Promise.resolve(end), ended: Promise.resolve(end), release: () => undefined, fds: () => [] };
}

const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));

function signalName(signal: number): NodeJS.Signals {
  return signalNames.get(signal) ?? (`SIG${signal}` as NodeJS.Signals);
}
