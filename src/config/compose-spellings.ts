// People arrive from docker compose and process-compose and write what they know:
// `healthcheck:`, `environment: [A=1]`, `working_dir:`, `restart: unless-stopped`. A
// plain "unknown key" leaves them guessing; these hints name where the spelling comes
// from and what netra-start calls it. Pure: a key path and a value in, a hint or nothing.
import type { PathSegment } from "./diagnostic.js";

const COMPOSE = "docker compose";
const PROCESS_COMPOSE = "process-compose";

interface Renamed {
  from: string;
  ours: string;
  /** What else to know, after a semicolon. */
  more?: string;
}

// Keys of a stage written under their compose or process-compose name.
const STAGE_KEYS: Record<string, Renamed> = {
  healthcheck: { from: COMPOSE, ours: "health" },
  environment: { from: COMPOSE, ours: "env" },
  working_dir: { from: COMPOSE, ours: "cwd" },
  entrypoint: { from: COMPOSE, ours: "command" },
  stop_grace_period: { from: COMPOSE, ours: "kill_timeout" },
  readiness_probe: { from: PROCESS_COMPOSE, ours: "health" },
  availability: { from: PROCESS_COMPOSE, ours: "restart", more: "how many tries is circuit_breaker.threshold" },
  shutdown: { from: PROCESS_COMPOSE, ours: "kill_timeout", more: "a command to run on stop is cleanup" },
};

// Keys of a health block under compose's names.
const HEALTH_KEYS: Record<string, Renamed> = {
  test: { from: COMPOSE, ours: "command" },
  start_interval: { from: COMPOSE, ours: "interval" },
  period_seconds: { from: PROCESS_COMPOSE, ours: "interval" },
  timeout_seconds: { from: PROCESS_COMPOSE, ours: "timeout" },
  failure_threshold: { from: PROCESS_COMPOSE, ours: "retries" },
  initial_delay_seconds: { from: PROCESS_COMPOSE, ours: "initial_delay" },
  exec: { from: PROCESS_COMPOSE, ours: "command" },
  http_get: { from: PROCESS_COMPOSE, ours: "http", more: "give it a URL, e.g. http: http://127.0.0.1:8080/health" },
};

const TOP_KEYS: Record<string, Renamed> = {
  services: { from: COMPOSE, ours: "stages" },
  processes: { from: PROCESS_COMPOSE, ours: "stages" },
};

// Container settings have no meaning for a process on this machine.
const CONTAINER_KEYS = new Set(["image", "build", "ports", "expose", "volumes", "networks", "network_mode", "container_name", "deploy", "links", "platform", "pull_policy", "hostname"]);

const renamed = (key: string, r: Renamed) => `"${key}" is ${r.from}'s name: netra-start calls it "${r.ours}"${r.more ? `; ${r.more}` : ""}`;

/** A hint for an unknown key at `path` (the key last), when compose or process-compose spells it so. */
export function composeKeyHint(path: readonly PathSegment[]): string | undefined {
  const key = path.at(-1);
  if (typeof key !== "string") return undefined;
  const inStage = path.length === 3 && path[0] === "stages";
  const inHealth = path.length === 4 && path[0] === "stages" && path[2] === "health";
  if (path.length === 1 && TOP_KEYS[key]) return renamed(key, TOP_KEYS[key]);
  if (inStage && STAGE_KEYS[key]) return renamed(key, STAGE_KEYS[key]);
  if (inStage && CONTAINER_KEYS.has(key)) return `"${key}" is a ${COMPOSE} container setting: netra-start runs commands on this machine, so remove it; \`netra-start import\` comments such fields out`;
  if (inHealth && HEALTH_KEYS[key]) return renamed(key, HEALTH_KEYS[key]);
  return undefined;
}

/** A hint for a value of the wrong shape or out of a list, when it is compose's way of writing it. */
export function composeValueHint(path: readonly PathSegment[], value: unknown): string | undefined {
  const inStage = path.length === 3 && path[0] === "stages";
  const field = inStage ? path[2] : undefined;
  if (field === "env" && Array.isArray(value))
    return `a list of NAME=value is ${COMPOSE}'s form of "environment": netra-start's "env" is a mapping, e.g. env: { RAILS_ENV: production }`;
  if (field === "depends_on" && isMapping(value))
    return `a mapping with "condition:" is ${COMPOSE}'s form: netra-start takes a list of stage names, e.g. depends_on: [${Object.keys(value).slice(0, 3).join(", ")}], each ready first as with compose's service_healthy`;
  if (field === "restart" && typeof value === "string") return restartHint(value);
  if (path[0] === "version" && path.length === 1 && looksLikeComposeVersion(value))
    return `"${String(value)}" looks like a ${COMPOSE} file version: a netra-start config says version: 1, and \`netra-start import\` converts a compose file`;
  return undefined;
}

// Compose files say `version: "3.8"` (quoted, or a decimal); a bare `2` may as well be
// a netra-start version from the future, so it gets no compose hint.
function looksLikeComposeVersion(value: unknown): boolean {
  if (typeof value === "number") return !Number.isInteger(value);
  return typeof value === "string" && /^[23](\.\d+)*$/.test(value);
}

function restartHint(value: string): string | undefined {
  if (value === "unless-stopped") return `"unless-stopped" is ${COMPOSE}'s: netra-start's closest is "always", which restarts a service until netra-start stops it`;
  if (/^on-failure:\d+$/.test(value)) return `"${value}" is ${COMPOSE}'s: write "on-failure"; how many tries is circuit_breaker.threshold`;
  if (value === "exit_on_failure") return `"exit_on_failure" is ${PROCESS_COMPOSE}'s: netra-start's "no" with priority: critical fails the run`;
  return undefined;
}

// A health command written in compose's list form, `["CMD-SHELL", "pg_isready"]`, would
// run a program named CMD-SHELL. Returns the hint, or nothing for an ordinary argv.
export function composeHealthTestHint(command: unknown): string | undefined {
  if (!Array.isArray(command) || typeof command[0] !== "string") return undefined;
  const rest = command.slice(1).map(String);
  switch (command[0]) {
    case "CMD-SHELL":
      return `write the shell command as a string: command: ${JSON.stringify(rest.join(" "))}`;
    case "CMD":
      return `drop "CMD": command: [${rest.join(", ")}]`;
    case "NONE":
      return "remove the health block: netra-start has no check unless one is given";
    default:
      return undefined;
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
