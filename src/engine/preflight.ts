// `requires`: what must hold before a stage's attempt may start. Each problem names what
// is missing and how to fix it. Static problems (a variable, command or file that is
// missing) will not fix themselves, so they fail the stage without retries; dynamic ones
// (a port in use, a peer not answering, low disk) are retried like any failure.
import { accessSync, constants, existsSync, statfsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Requires } from "../config/types.js";
import type { AttemptFailure } from "./failure.js";

export function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = command.includes("/") ? [command] : (env.PATH ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** One requirement, checked: `up` turns the unmet ones into a failure, `doctor` shows all. */
export type RequirementCheck =
  | { kind: "env"; name: string; ok: boolean }
  | { kind: "command"; name: string; ok: boolean; path: string | undefined }
  | { kind: "file"; path: string; ok: boolean }
  | { kind: "port"; port: number; ok: boolean }
  | { kind: "tcp"; host: string; port: number; ok: boolean; problem: string | undefined }
  | { kind: "disk"; path: string; ok: boolean; freeBytes: number | undefined; minFreeBytes: number; error: string | undefined };

/** A missing variable, command or file: retrying will not fix it. */
export function checkStaticRequirements(requires: Requires, env: NodeJS.ProcessEnv): RequirementCheck[] {
  return [
    ...requires.env.map((name): RequirementCheck => ({ kind: "env", name, ok: Boolean(env[name]) })),
    ...requires.commands.map((name): RequirementCheck => {
      const found = findOnPath(name, env);
      return { kind: "command", name, ok: found !== undefined, path: found };
    }),
    ...requires.files.map((path): RequirementCheck => ({ kind: "file", path, ok: existsSync(path) })),
  ];
}

export function portIsFree(port: number, host = "0.0.0.0"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export function tcpAnswers(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs}ms`));
    socket.once("connect", () => done(undefined));
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)}${units[unit]}`;
}

/** A busy port, a peer that does not answer, low disk: these may change, so are retried. */
export async function checkDynamicRequirements(requires: Requires, tcpTimeoutMs = 2000): Promise<RequirementCheck[]> {
  const ports = await Promise.all(requires.ports.map(async (port): Promise<RequirementCheck> => ({ kind: "port", port, ok: await portIsFree(port) })));
  const peers = await Promise.all(
    requires.tcp.map(async ({ host, port }): Promise<RequirementCheck> => {
      const problem = await tcpAnswers(host, port, tcpTimeoutMs);
      return { kind: "tcp", host, port, ok: problem === undefined, problem };
    }),
  );
  const checks = [...ports, ...peers];
  if (requires.disk) {
    const { path, minFreeBytes } = requires.disk;
    try {
      const stat = statfsSync(path);
      const freeBytes = stat.bavail * stat.bsize;
      checks.push({ kind: "disk", path, ok: freeBytes >= minFreeBytes, freeBytes, minFreeBytes, error: undefined });
    } catch (error) {
      checks.push({ kind: "disk", path, ok: false, freeBytes: undefined, minFreeBytes, error: (error as Error).message });
    }
  }
  return checks;
}

// How `up` says what is unmet and how to fix it.
export function describeUnmet(check: RequirementCheck): string {
  switch (check.kind) {
    case "env":
      return `environment variable ${check.name} is not set (export it before starting)`;
    case "command":
      return `command "${check.name}" is not on PATH (install it or fix PATH)`;
    case "file":
      return `file ${check.path} does not exist`;
    case "port":
      return `port ${check.port} is already in use (stop what holds it, or change the port)`;
    case "tcp":
      return `nothing answers at ${check.host}:${check.port} (${check.problem})`;
    case "disk":
      return check.error
        ? `cannot check free disk on ${check.path}: ${check.error}`
        : `only ${formatBytes(check.freeBytes ?? 0)} free on ${check.path}, needs ${formatBytes(check.minFreeBytes)}`;
  }
}

export async function checkRequires(requires: Requires, env: NodeJS.ProcessEnv): Promise<AttemptFailure | undefined> {
  const fixed = checkStaticRequirements(requires, env).filter((c) => !c.ok);
  if (fixed.length > 0) return { reason: "requires", problems: fixed.map(describeUnmet), retryable: false };
  const transient = (await checkDynamicRequirements(requires)).filter((c) => !c.ok);
  return transient.length > 0 ? { reason: "requires", problems: transient.map(describeUnmet), retryable: true } : undefined;
}
