import { accessSync, constants, existsSync, readFileSync, statfsSync, statSync } from "node:fs";
import path from "node:path";
import { spawnBackend } from "../engine/process/spawn-child.js";
import { fail, ok, warn, type Finding } from "./finding.js";
import { ignoredRealtimeSignals } from "./inherited-signals.js";

function nodeRequirement(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { engines?: { node?: string } };
    return pkg.engines?.node ?? ">=20.19";
  } catch {
    return ">=20.19";
  }
}

function atLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map(Number);
  const b = minimum.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

// The nearest directory that exists: where a state dir would be created.
function existingAncestor(dir: string): string {
  let current = dir;
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

const ELSEWHERE = "or choose another with --state-dir / NETRA_START_STATE_DIR";

// What `up` checks before it runs (src/store/state-dir.ts), said as a finding: the state
// dir and its logs/ must be directories we can write in — a file in their place, or a
// read-only mount, is a failure, not "writable".
function checkStateDirUsable(stateDir: string, target: string): Finding {
  const logs = path.join(stateDir, "logs");
  for (const [what, dir] of [["state dir", stateDir], ["logs dir", logs]] as const)
    if (existsSync(dir) && !statSync(dir).isDirectory()) return fail("environment", `${what} ${dir} is a file, not a directory`, `move it away (mv ${dir} ${dir}.old), ${ELSEWHERE}`);
  if (!statSync(target).isDirectory()) return fail("environment", `state dir ${stateDir} cannot be created: ${target} is a file`, `move ${target} away, ${ELSEWHERE}`);
  for (const dir of [target, ...(existsSync(logs) ? [logs] : [])]) {
    try {
      accessSync(dir, constants.W_OK | constants.X_OK);
    } catch (error) {
      const readOnly = (error as NodeJS.ErrnoException).code === "EROFS";
      return fail("environment", `state dir ${stateDir} cannot be written (${dir} is ${readOnly ? "on a read-only file system" : "not writable"})`, `${readOnly ? "remount it read-write" : "fix its permissions"}, ${ELSEWHERE}`);
    }
  }
  return ok("environment", existsSync(stateDir) ? `state dir ${stateDir} is writable` : `state dir ${stateDir} does not exist yet; ${target} is writable, so \`up\` can create it`);
}

export function checkEnvironment(stateDir: string): Finding[] {
  const findings: Finding[] = [];
  const wanted = nodeRequirement();
  const minimum = /(\d+(?:\.\d+){0,2})/.exec(wanted)?.[1] ?? "20.19";
  const version = process.versions.node;
  findings.push(atLeast(version, minimum) ? ok("environment", `Node ${version} (needs ${wanted})`) : fail("environment", `Node ${version} is older than ${wanted}`, `install Node ${minimum} or newer`));

  // Never a failure: the fallback works, each stage just costs ~0.5 ms more to start.
  const spawner = spawnBackend();
  if (spawner.name === "posix_spawn") findings.push(ok("environment", "stages start with posix_spawn (the native spawner)"));
  else if (spawner.fix) findings.push(warn("environment", `stages start with child_process.spawn, slower: ${spawner.why}`, spawner.fix));
  else findings.push(ok("environment", `stages start with child_process.spawn (${spawner.why})`));
  const ignored = spawner.name === "child_process" ? ignoredRealtimeSignals() : [];
  if (ignored.length > 0)
    findings.push(
      warn(
        "environment",
        `real-time signal${ignored.length === 1 ? "" : "s"} ${ignored.join(", ")} ${ignored.length === 1 ? "is" : "are"} ignored by whatever started netra-start, and stay${ignored.length === 1 ? "s" : ""} ignored in stages on the child_process path`,
        "start netra-start from a process that does not ignore them, or use the native spawner, which resets every signal",
      ),
    );

  const target = existingAncestor(stateDir);
  findings.push(checkStateDirUsable(stateDir, target));
  try {
    const stat = statfsSync(target);
    const freeMb = Math.round((stat.bavail * stat.bsize) / 1e6);
    if (freeMb < 100) findings.push(fail("environment", `only ${freeMb} MB free for the state dir`, "free space: stage logs and the database live there (`netra-start prune`)"));
    else if (freeMb < 1000) findings.push(warn("environment", `${freeMb} MB free for the state dir`, "logs of noisy stages can fill it; lower settings.retention or free space"));
    else findings.push(ok("environment", `${(freeMb / 1000).toFixed(1)} GB free for the state dir`));
  } catch {
    // not fatal: statfs is informative only
  }
  return findings;
}
