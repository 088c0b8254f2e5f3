// Every stage's `requires`, and the programs its commands start — without running any.
import { accessSync, constants } from "node:fs";
import path from "node:path";
import type { Command, Config, Stage } from "../config/types.js";
import { checkDynamicRequirements, checkStaticRequirements, findOnPath, type RequirementCheck } from "../engine/preflight.js";
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

/** doctor waits less than `up` for a peer: it reports, it does not start anything. */
const TCP_TIMEOUT_MS = 1500;

// The engine's requirement checks, as doctor words them: every one, met or not.
function requirementFinding(check: RequirementCheck, stage: string): Finding {
  const at = { stage };
  switch (check.kind) {
    case "env":
      return check.ok ? ok("preflight", `env ${check.name} is set`, at) : fail("preflight", `env ${check.name} is not set`, `export ${check.name}=… before starting`, at);
    case "command":
      return check.ok ? ok("preflight", `command ${check.name} → ${check.path}`, at) : fail("preflight", `command "${check.name}" is not on PATH`, "install it, or fix PATH", at);
    case "file":
      return check.ok ? ok("preflight", `file ${check.path} exists`, at) : fail("preflight", `file ${check.path} does not exist`, "create it, or fix the path (relative to the config file)", at);
    case "port": {
      if (check.ok) return ok("preflight", `port ${check.port} is free`, at);
      const owner = describePortOwner(check.port);
      return fail("preflight", `port ${check.port} is in use${owner ? ` by ${owner}` : ""}`, owner ? `stop it (kill ${owner.split(" ")[1]}) or use another port` : "stop what holds it, or use another port", at);
    }
    case "tcp":
      return check.ok
        ? ok("preflight", `${check.host}:${check.port} answers`, at)
        : warn("preflight", `nothing answers at ${check.host}:${check.port} (${check.problem})`, "start it first; `up` retries this check before each attempt", at);
    case "disk": {
      if (check.error) return fail("preflight", `cannot check disk at ${check.path}: ${check.error}`, "fix requires.disk.path", at);
      const free = Math.round((check.freeBytes ?? 0) / 1e6);
      return check.ok
        ? ok("preflight", `${free} MB free on ${check.path}`, at)
        : fail("preflight", `only ${free} MB free on ${check.path}, needs ${Math.round(check.minFreeBytes / 1e6)} MB`, "free some space", at);
    }
  }
}

async function checkStage(stage: Stage): Promise<Finding[]> {
  const findings: Finding[] = [];
  const env = { ...process.env, ...stage.env };
  const checks = [...checkStaticRequirements(stage.requires, env), ...(await checkDynamicRequirements(stage.requires, TCP_TIMEOUT_MS))];
  for (const check of checks) findings.push(requirementFinding(check, stage.name));
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
