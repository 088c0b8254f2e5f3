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

export function staticProblems(requires: Requires, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const name of requires.env) if (!env[name]) problems.push(`environment variable ${name} is not set (export it before starting)`);
  for (const command of requires.commands) if (!findOnPath(command, env)) problems.push(`command "${command}" is not on PATH (install it or fix PATH)`);
  for (const file of requires.files) if (!existsSync(file)) problems.push(`file ${file} does not exist`);
  return problems;
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

export async function dynamicProblems(requires: Requires): Promise<string[]> {
  const problems: string[] = [];
  const ports = await Promise.all(requires.ports.map(async (port) => ({ port, free: await portIsFree(port) })));
  for (const { port, free } of ports) if (!free) problems.push(`port ${port} is already in use (stop what holds it, or change the port)`);
  const peers = await Promise.all(requires.tcp.map(async (t) => ({ ...t, problem: await tcpAnswers(t.host, t.port, 2000) })));
  for (const peer of peers) if (peer.problem) problems.push(`nothing answers at ${peer.host}:${peer.port} (${peer.problem})`);
  if (requires.disk) {
    try {
      const stat = statfsSync(requires.disk.path);
      const free = stat.bavail * stat.bsize;
      if (free < requires.disk.minFreeBytes) problems.push(`only ${formatBytes(free)} free on ${requires.disk.path}, needs ${formatBytes(requires.disk.minFreeBytes)}`);
    } catch (error) {
      problems.push(`cannot check free disk on ${requires.disk.path}: ${(error as Error).message}`);
    }
  }
  return problems;
}

export async function checkRequires(requires: Requires, env: NodeJS.ProcessEnv): Promise<AttemptFailure | undefined> {
  const fixed = staticProblems(requires, env);
  if (fixed.length > 0) return { reason: "requires", problems: fixed, retryable: false };
  const transient = await dynamicProblems(requires);
  return transient.length > 0 ? { reason: "requires", problems: transient, retryable: true } : undefined;
}
