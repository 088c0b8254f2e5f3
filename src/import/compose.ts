// A docker compose file: each service becomes a stage running its command on this
// machine. What only means something for a container (image, ports, volumes…) is kept
// as a comment. A service that others wait for with `service_completed_successfully`
// runs to completion, so it becomes a task; the others are services.
import type { PathSegment } from "../config/diagnostic.js";
import { dependencies, isMapping, waitsForCompletion, type Raw } from "./dependencies.js";
import { duration, environment, newStage, shown, stageName, stageNames, type Imported, type ImportedStage, type Skipped } from "./imported.js";

// What an official image runs when compose gives no command, as run on this machine.
const IMAGE_COMMANDS: Record<string, string> = {
  postgres: "postgres",
  redis: "redis-server",
  valkey: "valkey-server",
  mysql: "mysqld",
  mariadb: "mariadbd",
  mongo: "mongod",
  memcached: "memcached",
  rabbitmq: "rabbitmq-server",
  nginx: "nginx -g 'daemon off;'",
};

const CONTAINER_ONLY = "netra-start runs commands on this machine, not containers";
const HANDLED = new Set(["command", "entrypoint", "depends_on", "healthcheck", "environment", "env_file", "restart", "working_dir", "stop_grace_period", "image"]);
const RESTART: Record<string, string> = { no: "no", always: "always", "on-failure": "on-failure", "unless-stopped": "always" };

export function fromCompose(data: unknown): Imported {
  const skipped: Skipped[] = [];
  const top = isMapping(data) ? data : {};
  const services = isMapping(top.services) ? top.services : {};
  const names = stageNames(Object.keys(services));
  const completes = completedTargets(services);
  const stages = Object.entries(services).map(([key, raw]) => service(key, isMapping(raw) ? raw : {}, names, completes.has(key), skipped));
  for (const key of Object.keys(top)) if (!["services", "name", "version"].includes(key)) skipped.push({ path: [key], message: `top-level "${key}" not imported: ${CONTAINER_ONLY}` });
  return { kind: "compose", name: typeof top.name === "string" ? top.name : undefined, stages, skipped };
}

// Services some other service waits for with `condition: service_completed_successfully`.
function completedTargets(services: Raw): Set<string> {
  const targets = new Set<string>();
  for (const raw of Object.values(services)) {
    const deps = isMapping(raw) && isMapping(raw.depends_on) ? raw.depends_on : {};
    for (const [name, how] of Object.entries(deps)) if (isMapping(how) && waitsForCompletion(how.condition, "service_")) targets.add(name);
  }
  return targets;
}

function service(key: string, s: Raw, names: Map<string, string>, isTask: boolean, skipped: Skipped[]): ImportedStage {
  const at = (...rest: PathSegment[]) => ["services", key, ...rest];
  const stage = newStage(names.get(key) ?? stageName(key));
  const skip = (field: string, why: string) => {
    stage.notes.push(`not imported: ${shown(field, s[field])} (${why})`);
    skipped.push({ path: at(field), message: `"${field}" not imported: ${why}` });
  };
  if (stage.name !== key) stage.notes.push(`service "${key}" in the compose file`);
  if (s.image !== undefined) skip("image", CONTAINER_ONLY);
  stage.fields.kind = isTask ? "task" : "service";
  stage.fields.command = command(s, stage, skip);
  const deps = dependencies(s.depends_on, names, "service_", stage, at("depends_on"), skipped);
  if (deps.length > 0) stage.fields.depends_on = deps;
  const env = environment(s.environment, at("environment"), skipped);
  if (Object.keys(env).length > 0) stage.fields.env = env;
  const envFile = envFiles(s.env_file, at("env_file"), skipped);
  if (envFile !== undefined) stage.fields.env_file = envFile;
  if (typeof s.working_dir === "string") {
    stage.fields.cwd = s.working_dir;
    stage.fieldNotes.cwd = "the container's directory: make it a directory on this machine";
  }
  const health = healthcheck(s.healthcheck, at("healthcheck"), skipped);
  if (health) stage.fields.health = health;
  restart(s, stage, isTask, skip);
  const grace = duration(s.stop_grace_period);
  if (grace) stage.fields.kill_timeout = grace;
  for (const field of Object.keys(s)) if (!HANDLED.has(field)) skip(field, CONTAINER_ONLY);
  return stage;
}

type EnvFileEntry = string | { path: string; required: false };

// compose's `env_file`: a path, or a list of paths and `{ path, required, format }`. The same
// shape in netra-start (docs/config.md "Environment files"); `required: true` is the default.
function envFiles(raw: unknown, at: PathSegment[], skipped: Skipped[]): EnvFileEntry | EnvFileEntry[] | undefined {
  if (typeof raw === "string") return raw;
  if (!Array.isArray(raw)) {
    if (raw !== undefined) skipped.push({ path: at, message: `"env_file" not imported: expected a path or a list of paths` });
    return undefined;
  }
  const entries: EnvFileEntry[] = [];
  raw.forEach((item, index) => {
    if (typeof item === "string") entries.push(item);
    else if (isMapping(item) && typeof item.path === "string") {
      entries.push(item.required === false ? { path: item.path, required: false } : item.path);
      // compose's `format: raw` (values taken literally) has no netra-start equivalent.
      if (item.format !== undefined) skipped.push({ path: [...at, index, "format"], message: `"format" not imported: netra-start reads env files in compose's default format` });
    } else skipped.push({ path: [...at, index], message: `env_file entry not imported: expected a path or { path, required }` });
  });
  return entries.length > 0 ? entries : undefined;
}

// compose runs `entrypoint` with `command` as its arguments; without either, the image's own.
function command(s: Raw, stage: ImportedStage, skip: (field: string, why: string) => void): string | string[] {
  const asList = (value: unknown) => (Array.isArray(value) ? value.map(String) : undefined);
  if (s.entrypoint !== undefined) {
    const entry = asList(s.entrypoint);
    const args = asList(s.command);
    if (entry && (args || s.command === undefined)) return [...entry, ...(args ?? [])];
    return [String(Array.isArray(s.entrypoint) ? s.entrypoint.join(" ") : s.entrypoint), String(Array.isArray(s.command) ? s.command.join(" ") : (s.command ?? ""))].join(" ").trim();
  }
  if (typeof s.command === "string" || Array.isArray(s.command)) return asList(s.command) ?? String(s.command);
  const image = typeof s.image === "string" ? s.image.replace(/^docker\.io\/(library\/)?/, "").split(/[:@]/)[0] ?? "" : "";
  const known = IMAGE_COMMANDS[image];
  if (known) {
    stage.fieldNotes.command = `what the ${image} image runs; it must be installed on this machine`;
    return known;
  }
  skip("command", "the service has no command: the image's own ran");
  stage.fieldNotes.command = "TODO: the command that runs this service on this machine";
  return `echo 'set the command of ${stage.name} in startup.yaml' >&2; exit 1`;
}

// compose's healthcheck; `retries` failures make it unhealthy, where netra-start's
// `retries` are the failures it tolerates: one less.
function healthcheck(raw: unknown, at: PathSegment[], skipped: Skipped[]): Raw | undefined {
  if (!isMapping(raw) || raw.disable === true) return undefined;
  const test = raw.test;
  let probe: unknown;
  if (typeof test === "string") probe = test;
  else if (Array.isArray(test) && test[0] === "CMD-SHELL") probe = test.slice(1).map(String).join(" ");
  else if (Array.isArray(test) && test[0] === "CMD") probe = test.slice(1).map(String);
  if (probe === undefined) return undefined;
  const health: Raw = { command: probe };
  for (const [from, to] of [["interval", "interval"], ["timeout", "timeout"], ["start_period", "start_period"]] as const) {
    if (raw[from] === undefined) continue;
    const value = duration(raw[from]);
    if (value) health[to] = value;
    else skipped.push({ path: [...at, from], message: `"${from}" not imported: not a duration` });
  }
  if (typeof raw.retries === "number") health.retries = Math.max(0, raw.retries - 1);
  if (raw.start_interval !== undefined) skipped.push({ path: [...at, "start_interval"], message: `"start_interval" not imported: netra-start probes every interval from the start` });
  return health;
}

function restart(s: Raw, stage: ImportedStage, isTask: boolean, skip: (field: string, why: string) => void): void {
  if (s.restart === undefined) return;
  const text = String(s.restart);
  const policy = RESTART[text] ?? (text.startsWith("on-failure:") ? "on-failure" : undefined);
  if (!policy) return skip("restart", "not a restart policy netra-start knows");
  if (isTask) return skip("restart", "it runs to completion (a task), and tasks are retried, not restarted");
  stage.fields.restart = policy;
  if (policy !== text) stage.fieldNotes.restart = `compose: ${text}`;
}
