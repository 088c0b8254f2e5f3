// One `up`: run id and log folder, the scheduler, rollback on failure or interrupt,
// teardown of services, and the final status and exit code. Emits every event; prints
// nothing.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Config, Stage } from "../config/types.js";
import type { Plan } from "../graph/plan.js";
import { makeRedactor, secretValues, type Redactor } from "../util/redact.js";
import { now, type EngineEvent, type RunStatus, type StageResult } from "./events.js";
import { MemoryCircuitStore, type CircuitStore } from "./circuit-breaker.js";
import { rollBack, type RollbackItem } from "./rollback.js";
import { Scheduler, type ScheduleOutcome } from "./scheduler.js";
import { runStage, type ServiceHandle } from "./stage-runner.js";
import { ServiceSupervisor } from "./supervisor.js";

export interface RunOptions {
  config: Config;
  plan: Plan;
  stateDir: string;
  concurrency: number;
  rollback: boolean;
  allowDegraded: boolean;
  /** With services: stay up until interrupted (false = `--check`: tear down at once). */
  holdServices: boolean;
  emit: (event: EngineEvent) => void;
  env?: NodeJS.ProcessEnv;
  runId?: string;
  /** Circuit breaker state across runs (the report database); in memory when absent. */
  circuits?: CircuitStore;
}

export interface RunHandle {
  runId: string;
  done: Promise<{ status: RunStatus; exitCode: number }>;
  /** First call: cancel and roll back. Second: skip the rest of the rollback. */
  interrupt(signal: "SIGINT" | "SIGTERM"): void;
}

export function newRunId(date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}

export function exitCodeFor(status: RunStatus, allowDegraded: boolean, signal?: string): number {
  switch (status) {
    case "ready":
      return 0;
    case "degraded":
      return allowDegraded ? 0 : 3;
    case "interrupted":
      return signal === "SIGTERM" ? 143 : 130;
    default:
      return 1;
  }
}

export function startRun(options: RunOptions): RunHandle {
  // A plain copy: reading process.env goes through C++ interceptors, and every stage's
  // environment is built from this.
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  const runId = options.runId ?? newRunId();
  const logDir = path.join(options.stateDir, "logs", runId);
  // Stage logs go in logDir; the files stages write outputs to, in a folder of their own.
  mkdirSync(path.join(logDir, "outputs"), { recursive: true });
  const stages = options.plan.stages;
  const redact = makeRedactor(secretValues([env, ...stages.map((s) => s.env)], options.config.settings.secrets));
  const emit = redact ? redactingEmitter(options.emit, redact) : options.emit;
  const circuits = options.circuits ?? new MemoryCircuitStore();

  let interruptSignal: "SIGINT" | "SIGTERM" | undefined;
  const skipRollback = new AbortController();
  const holdReleased = new AbortController();
  let scheduler: Scheduler | undefined;

  const interrupt = (signal: "SIGINT" | "SIGTERM") => {
    if (interruptSignal) return skipRollback.abort();
    interruptSignal = signal;
    scheduler?.interrupt();
    holdReleased.abort();
  };

  const done = (async () => {
    const startedAt = Date.now();
    emit({
      type: "run-started",
      at: now(),
      runId,
      name: options.config.name,
      concurrency: options.concurrency,
      logDir,
      stages: stages.map((s) => ({ name: s.name, kind: s.kind, priority: s.priority, description: s.description, dependsOn: s.dependsOn, maxAttempts: s.retries + 1 })),
    });
    // By name: plan indices and Stage.index (the position in the file) differ when
    // `up STAGE...` runs a subset.
    const upstream = new Map<string, ReadonlyMap<string, Record<string, string>>>();
    const stageContext = (signal: AbortSignal, upstreamOutputs: ReadonlyMap<string, Record<string, string>>, firstAttempt?: number) => ({
      runId,
      logDir,
      baseEnv: env,
      redact,
      emit,
      signal,
      upstreamOutputs,
      circuits,
      firstAttempt,
    });
    // The latest handle of every running service: what teardown must stop.
    const live = new Map<number, ServiceHandle>();
    let lostCritical: string | undefined;
    const supervisor = new ServiceSupervisor({
      stages,
      emit,
      circuits,
      restart: (i, signal, firstAttempt) => {
        const stage = stages[i] as Stage;
        return runStage(stage, stageContext(signal, upstream.get(stage.name) ?? new Map(), firstAttempt));
      },
      onDown: (i) => scheduler?.serviceDown(i),
      onUp: (i, handle, attempts) => {
        live.set(i, handle);
        scheduler?.serviceUp(i, attempts);
      },
      onLost: (i, error) => {
        const stage = stages[i] as Stage;
        const critical = stage.priority === "critical" || options.config.settings.degraded === "fail";
        emit({ type: "service-lost", at: now(), stage: stage.name, error, critical });
        live.delete(i);
        scheduler?.serviceLost(i, error);
        if (critical) {
          lostCritical ??= stage.name;
          holdReleased.abort();
        }
      },
    });
    scheduler = new Scheduler({
      plan: options.plan,
      concurrency: options.concurrency,
      degraded: options.config.settings.degraded,
      emit,
      runStage: (stage, signal, upstreamOutputs) => {
        upstream.set(stage.name, upstreamOutputs);
        return runStage(stage, stageContext(signal, upstreamOutputs));
      },
      onServiceReady: (i, handle, attempts) => {
        live.set(i, handle);
        supervisor.watch(i, handle, attempts);
      },
    });
    if (interruptSignal) scheduler.interrupt();
    const outcome = await scheduler.run();
    let status = statusOf(outcome, interruptSignal);
    let note: string | undefined;
    let rolledBack = false;

    const items = (order: number[]): RollbackItem[] =>
      [...order].reverse().map((i) => ({ stage: stages[i] as Stage, service: live.get(i), cleanup: outcome.cleanups.get(i) }));
    const rollbackWith = (reason: "failure" | "interrupt" | "teardown") =>
      rollBack({ reason, runId, items: items(outcome.readyOrder), env, logDir, redact, emit, skip: skipRollback.signal });

    if (status === "failed" || status === "interrupted") {
      supervisor.stop();
      if (options.rollback || status === "interrupted") {
        await rollbackWith(status === "failed" ? "failure" : "interrupt");
        rolledBack = true;
      } else {
        note = "rollback skipped (--no-rollback): stages that became ready were left as they are";
        // Even without rollback, services die with the supervisor: nothing may be orphaned.
        await Promise.all([...live.values()].map((s) => s.stop()));
      }
    } else if (live.size > 0) {
      if (options.holdServices) {
        emit({ type: "services-running", at: now(), stages: [...live.keys()].map((i) => (stages[i] as Stage).name) });
        await holdUntil(holdReleased.signal);
        if (interruptSignal) status = "interrupted";
        else if (lostCritical) {
          status = "failed";
          note = `critical service ${lostCritical} stopped and could not be brought back: everything was torn down`;
        }
      }
      supervisor.stop();
      await rollbackWith(status === "failed" ? "failure" : "teardown");
      rolledBack = true;
    }

    const exitCode = exitCodeFor(status, options.allowDegraded, interruptSignal);
    emit({ type: "run-finished", at: now(), runId, status, exitCode, durationMs: Date.now() - startedAt, results: resultsOf(stages, outcome), rolledBack, note });
    return { status, exitCode };
  })();

  return { runId, done, interrupt };
}

function statusOf(outcome: ScheduleOutcome, interrupted: string | undefined): RunStatus {
  if (interrupted || outcome.stopped?.by === "interrupt") return "interrupted";
  if (outcome.stopped?.by === "failure") return "failed";
  return outcome.anyFailed ? "degraded" : "ready";
}

// Services run in the foreground, supervised, until Ctrl-C or until a critical one is
// lost for good.
function holdUntil(released: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (released.aborted) return resolve();
    released.addEventListener("abort", () => resolve(), { once: true });
  });
}

function resultsOf(stages: Stage[], outcome: ScheduleOutcome): StageResult[] {
  return stages.map((stage, i) => {
    const r = outcome.records[i];
    const status = r?.status === "pending" || r?.status === "running" || r === undefined ? "skipped" : r.status;
    return {
      name: stage.name,
      status,
      priority: stage.priority,
      kind: stage.kind,
      attempts: r?.attempts ?? 0,
      startedAt: r?.startedAt === undefined ? undefined : new Date(r.startedAt).toISOString(),
      finishedAt: r?.finishedAt === undefined ? undefined : new Date(r.finishedAt).toISOString(),
      durationMs: r?.startedAt !== undefined && r.finishedAt !== undefined ? r.finishedAt - r.startedAt : undefined,
      exitCode: r?.exitCode,
      error: r?.error,
      logPath: r?.logPath,
    };
  });
}

// Every string that leaves the engine passes through the redactor: stage output, errors,
// failure tails, outputs.
function redactingEmitter(emit: (event: EngineEvent) => void, redact: Redactor): (event: EngineEvent) => void {
  const scrub = (value: unknown): unknown => {
    if (typeof value === "string") return redact(value);
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
    return value;
  };
  return (event) => emit(scrub(event) as EngineEvent);
}
