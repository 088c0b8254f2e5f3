// Every stage's `requires`, and the programs its commands start — without running any.
import { accessSync, constants, statfsSync } from "node:fs";
import path from "node:path";
import type { Command, Config, Stage } from "../config/types.js";
import { findOnPath, portIsFree, tcpAnswers } from "../engine/preflight.js";
import { fail, ok, warn, type Finding } from "./finding.js";
import { describePortOwner } from "./port-owner.js";

const SHELL_WORDS = new Set(["cd", "exec", "export", "test", "[", "true", "false", "echo", "set", "if", "for", "while", "sleep", "printf", "read", "env", "exit", "!", "{", "("]);

// The program a command starts: argv[0], or the first word of a shell string after any
// VAR=value assignments. Shell built-ins and expressions are not checked.
export function programOf(command: Command): string | undefined {
  if ("argv" in command) return command.argv[0];
  const words = command.shell.trim().split(/\s+/);
  let word = words.shift();
  while (word && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) word = words.shift();
  if (!word || SHELL_WORDS.has(word) || /[$`"'|&;<>()]/.test(word)) return undefined;
  return word;
}

function checkProgram(stage: Stage, command: Command | undefined, what: string): Finding | undefined {
  if (!command) return undefined;
  const program = programOf(command);
  if (!program) return undefined;
  if (program.includes("/")) {
    const file = path.resolve(stage.cwd, program);
    try {
      accessSync(file, constants.X_OK);
      return ok("preflight", `${what} ${program} is executable`, { stage: stage.name });
    } catch {
      return fail("preflight", `${what} ${program} is missing or not executable (${file})`, `create it, or chmod +x ${program}`, { stage: stage.name });
    }
  }
  const found = findOnPath(program, { ...process.env, ...stage.env });
  return found
    ? ok("preflight", `${what} ${program} → ${found}`, { stage: stage.name })
    : fail("preflight", `${what} "${program}" is not on PATH`, `install it (Debian: apt-get install …; npm: npm i -g …), or use its full path`, { stage: stage.name });
}

async function checkStage(stage: Stage): Promise<Finding[]> {
  const findings: Finding[] = [];
  const env = { ...process.env, ...stage.env };
  const r = stage.requires;
  for (const name of r.env) findings.push(env[name] ? ok("preflight", `env ${name} is set`, { stage: stage.name }) : fail("preflight", `env ${name} is not set`, `export ${name}=… before starting`, { stage: stage.name }));
  for (const command of r.commands) {
    const found = findOnPath(command, env);
    findings.push(found ? ok("preflight", `command ${command} → ${found}`, { stage: stage.name }) : fail("preflight", `command "${command}" is not on PATH`, "install it, or fix PATH", { stage: stage.name }));
  }
  for (const file of r.files) {
    try {
      accessSync(file);
      findings.push(ok("preflight", `file ${file} exists`, { stage: stage.name }));
    } catch {
      findings.push(fail("preflight", `file ${file} does not exist`, "create it, or fix the path (relative to the config file)", { stage: stage.name }));
    }
  }
  const ports = await Promise.all(r.ports.map(async (port) => ({ port, free: await portIsFree(port) })));
  for (const { port, free } of ports) {
    if (free) findings.push(ok("preflight", `port ${port} is free`, { stage: stage.name }));
    else {
      const owner = describePortOwner(port);
      findings.push(fail("preflight", `port ${port} is in use${owner ? ` by ${owner}` : ""}`, owner ? `stop it (kill ${owner.split(" ")[1]}) or use another port` : "stop what holds it, or use another port", { stage: stage.name }));
    }
  }
  const peers = await Promise.all(r.tcp.map(async (t) => ({ ...t, problem: await tcpAnswers(t.host, t.port, 1500) })));
  for (const peer of peers)
    findings.push(
      peer.problem
        ? warn("preflight", `nothing answers at ${peer.host}:${peer.port} (${peer.problem})`, "start it first; `up` retries this check before each attempt", { stage: stage.name })
        : ok("preflight", `${peer.host}:${peer.port} answers`, { stage: stage.name }),
    );
  if (r.disk) {
    try {
      const stat = statfsSync(r.disk.path);
      const free = stat.bavail * stat.bsize;
      findings.push(
        free >= r.disk.minFreeBytes
          ? ok("preflight", `${Math.round(free / 1e6)} MB free on ${r.disk.path}`, { stage: stage.name })
          : fail("preflight", `only ${Math.round(free / 1e6)} MB free on ${r.disk.path}, needs ${Math.round(r.disk.minFreeBytes / 1e6)} MB`, "free some space", { stage: stage.name }),
      );
    } catch (error) {
      findings.push(fail("preflight", `cannot check disk at ${r.disk.path}: ${(error as Error).message}`, "fix requires.disk.path", { stage: stage.name }));
    }
  }
  if (stage.runner.type === "module") {
    try {
      accessSync(stage.runner.module);
      findings.push(ok("preflight", `module ${stage.runner.module} exists`, { stage: stage.name }));
    } catch {
      findings.push(fail("preflight", `module ${stage.runner.module} does not exist`, "fix `module:` (relative to the config file)", { stage: stage.name }));
    }
  }
  try {
    accessSync(stage.cwd);
  } catch {
    findings.push(fail("preflight", `working directory ${stage.cwd} does not exist`, "create it, or fix `cwd:`", { stage: stage.name }));
  }
  for (const finding of [
    checkProgram(stage, stage.runner.type === "command" ? stage.runner.command : undefined, "runs"),
    checkProgram(stage, stage.cleanup, "cleanup runs"),
    checkProgram(stage, stage.health?.probe.type === "command" ? stage.health.probe.command : undefined, "health check runs"),
  ])
    if (finding) findings.push(finding);
  return findings;
}

export async function checkPreflight(config: Config): Promise<Finding[]> {
  return (await Promise.all(config.stages.map(checkStage))).flat();
}
