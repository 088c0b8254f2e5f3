// Runs the built CLI as a real process, the way a user or CI does.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = path.join(ROOT, "bin", "netra-start.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Called once the process is spawned, e.g. to send it a signal later. */
  onSpawn?: (pid: number) => void;
  /** Called with everything printed on stdout so far, each time more arrives: wait on what a user would see. */
  onStdout?: (stdout: string) => void;
  timeoutMs?: number;
}

// A clean environment: no CI/colour variables leaking from the machine running the tests.
// NETRA_SPAWN alone passes through: the suite runs once per way of starting processes
// (vitest.config.ts), and the CLI under test must start them that way.
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if ((key.startsWith("NETRA_") && key !== "NETRA_SPAWN") || key === "GITHUB_ACTIONS" || key === "CI" || key === "DEBUG" || key === "FORCE_COLOR") delete env[key];
  env.NO_COLOR = "1";
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  else env[k] = v;
  return env;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return runCommand(process.execPath, [BIN, ...args], options);
}

/** Any command, run like the CLI: clean environment, output collected, killed if stuck. */
export function runCommand(file: string, args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd ?? ROOT, env: cleanEnv(options.env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      options.onStdout?.(stdout);
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 25_000);
    child.on("error", reject);
    if (child.pid) options.onSpawn?.(child.pid);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface TempProject {
  dir: string;
  write(file: string, content: string): string;
  cleanup(): void;
}

export function tempProject(prefix = "netra-test-"): TempProject {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    write(file, content) {
      const full = path.join(dir, file);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, content);
      return full;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
