// A process-compose file: each process becomes a stage. Its readiness_probe is
// netra-start's health (with initial_delay and success_threshold), its availability the
// restart policy. A process that others wait for with `process_completed_successfully`
// (or `process_completed`) runs to completion, so it becomes a task.
import type { PathSegment } from "../config/diagnostic.js";
import { dependencies, isMapping, waitsForCompletion, type Raw } from "./dependencies.js";
import { environment, newStage, shown, stageName, stageNames, type Imported, type ImportedStage, type Skipped } from "./imported.js";

const HANDLED = new Set(["command", "depends_on", "environment", "working_dir", "readiness_probe", "availability", "disabled", "description", "shutdown"]);
const RESTART: Record<string, string> = { no: "no", always: "always", on_failure: "on-failure", exit_on_failure: "no" };
const WHY: Record<string, string> = {
  liveness_probe: "netra-start checks health until ready, not after",
  is_daemon: "netra-start supervises the process it starts: run the daemon in the foreground",
  log_location: "netra-start keeps each stage's log in .netra/logs",
  namespace: "netra-start has no namespaces",
  is_tty: "stages run without a terminal",
  ready_log_line: "use health: { log: … } instead",
};

export function fromProcessCompose(data: unknown): Imported {
  const skipped: Skipped[] = [];
  const top = isMapping(data) ? data : {};
  const processes = isMapping(top.processes) ? top.processes : {};
  const names = stageNames(Object.keys(processes));
  const completes = new Set<string>();
  for (const raw of Object.values(processes)) {
    const deps = isMapping(raw) && isMapping(raw.depends_on) ? raw.depends_on : {};
    for (const [name, how] of Object.entries(deps)) if (isMapping(how) && waitsForCompletion(how.condition, "process_")) completes.add(name);
  }
  const stages = Object.entries(processes).map(([key, raw]) => processStage(key, isMapping(raw) ? raw : {}, names, completes.has(key), skipped));
  const env = environment(top.environment, ["environment"], skipped);
  if (Object.keys(env).length > 0) for (const stage of stages) stage.fields.env = { ...env, ...(stage.fields.env as Record<string, string> | undefined) };
  for (const key of Object.keys(top)) if (!["processes", "version", "environment"].includes(key)) skipped.push({ path: [key], message: `top-level "${key}" not imported` });
  return { kind: "process-compose", name: undefined, stages, skipped };
}

function processStage(key: string, p: Raw, names: Map<string, string>, isTask: boolean, skipped: Skipped[]): ImportedStage {
  const at = (...rest: PathSegment[]) => ["processes", key, ...rest];
  const stage = newStage(names.get(key) ?? stageName(key));
  const skip = (field: string, value: unknown, why: string) => {
    stage.notes.push(`not imported: ${shown(field, value)} (${why})`);
    skipped.push({ path: at(field), message: `"${field}" not imported: ${why}` });
  };
  if (stage.name !== key) stage.notes.push(`process "${key}" in the process-compose file`);
  if (typeof p.description === "string") stage.fields.description = p.description;
  stage.fields.kind = isTask ? "task" : "service";
  stage.fields.command = typeof p.command === "string" ? p.command : "true";
  if (typeof p.command !== "string") stage.fieldNotes.command = "TODO: the process had no command";
  if (p.disabled === true) stage.fields.enabled = false;
  const deps = dependencies(p.depends_on, names, "process_", stage, at("depends_on"), skipped);
  if (deps.length > 0) stage.fields.depends_on = deps;
  const env = environment(p.environment, at("environment"), skipped);
  if (Object.keys(env).length > 0) stage.fields.env = env;
  if (typeof p.working_dir === "string") stage.fields.cwd = p.working_dir;
  const health = readiness(p.readiness_probe, at("readiness_probe"), skipped);
  if (health) stage.fields.health = health;
  availability(p.availability, stage, isTask, skip);
  shutdown(p.shutdown, stage, skip);
  for (const field of Object.keys(p)) if (!HANDLED.has(field)) skip(field, p[field], WHY[field] ?? "netra-start has no such setting");
  return stage;
}

// process-compose's probe: exec or http_get, timings in whole seconds;
// `failure_threshold` failures fail it, where netra-start's `retries` are the failures it tolerates.
function readiness(raw: unknown, at: PathSegment[], skipped: Skipped[]): Raw | undefined {
  if (!isMapping(raw)) return undefined;
  const health: Raw = {};
  if (isMapping(raw.exec) && typeof raw.exec.command === "string") health.command = raw.exec.command;
  else if (isMapping(raw.http_get)) {
    const h = raw.http_get;
    const scheme = typeof h.scheme === "string" ? h.scheme : "http";
    const host = typeof h.host === "string" ? h.host : "127.0.0.1";
    const path = typeof h.path === "string" ? h.path : "/";
    health.http = `${scheme}://${host}${h.port !== undefined ? `:${String(h.port)}` : ""}${path.startsWith("/") ? path : `/${path}`}`;
  } else {
    skipped.push({ path: at, message: "readiness_probe not imported: it has neither exec.command nor http_get" });
    return undefined;
  }
  const seconds = (field: string, to: string) => {
    if (typeof raw[field] === "number") health[to] = `${raw[field]}s`;
  };
  seconds("initial_delay_seconds", "initial_delay");
  seconds("period_seconds", "interval");
  seconds("timeout_seconds", "timeout");
  if (typeof raw.success_threshold === "number" && raw.success_threshold >= 1) health.success_threshold = raw.success_threshold;
  if (typeof raw.failure_threshold === "number") health.retries = Math.max(0, raw.failure_threshold - 1);
  return health;
}

function availability(raw: unknown, stage: ImportedStage, isTask: boolean, skip: (field: string, value: unknown, why: string) => void): void {
  if (!isMapping(raw)) return;
  const text = typeof raw.restart === "string" ? raw.restart : undefined;
  const policy = text ? RESTART[text] : undefined;
  if (text && !policy) skip("availability", raw, "not a restart policy netra-start knows");
  else if (policy && isTask) skip("availability", raw, "it runs to completion (a task), and tasks are retried, not restarted");
  else if (policy) {
    stage.fields.restart = policy;
    if (text === "exit_on_failure") stage.fieldNotes.restart = "process-compose: exit_on_failure; a critical stage that fails ends the run";
  }
  if (typeof raw.backoff_seconds === "number") stage.fields.backoff = { initial: `${raw.backoff_seconds}s` };
  if (typeof raw.max_restarts === "number" && raw.max_restarts > 0) stage.fields.circuit_breaker = { threshold: raw.max_restarts };
}

function shutdown(raw: unknown, stage: ImportedStage, skip: (field: string, value: unknown, why: string) => void): void {
  if (!isMapping(raw)) return;
  if (typeof raw.timeout_seconds === "number") stage.fields.kill_timeout = `${raw.timeout_seconds}s`;
  if (raw.command !== undefined) skip("shutdown", raw, "netra-start stops a process with SIGTERM, then SIGKILL after kill_timeout");
  else if (raw.signal !== undefined) skip("shutdown", raw, "netra-start stops with SIGTERM");
}
