// One `up`: run id and log folder, the scheduler, rollback on failure or interrupt,
// teardown of services, and the final status and exit code. Every status lives in the
// RunState it creates; every event leaves through `sink`. Prints nothing.
import { optionalDependencyNote } from "./optional-dependencies.js";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config/types.js";
import { ExitCode } from "../exit-codes.js";
import type { Plan } from "../graph/plan.js";
import type { Redactor } from "../redact/redactor.js";
import type { CircuitRecord } from "./circuit-breaker.js";
import type { EngineEvent, RollbackReason, RunStatus } from "./events.js";
import { rollBack } from "./rollback.js";
import { abandonsRun, RunState, type InterruptSignal } from "./run-state.js";
import { DiskFullError, isDiskFull } from "../util/disk-full.js";
import { outputsDir, runLogDir } from "./run-paths.js";
import { Scheduler } from "./scheduler.js";
import type { FreshnessOptions } from "./freshness/freshness.js";
import { runStage } from "./stage-runner.js";
import { ServiceSupervisor } from "./supervisor.js";
import { createRunControl, type RunControlParts } from "./run-control-impl.js";
import type { RunControl } from "./run-control.js";

export interface RunOptions {
  config: Config;
  plan: Plan;
  stateDir: string;
  concurrency: number;
  rollback: boolean;
  allowDegraded: boolean;
  /** With services: stay up until interrupted (false = `--check`: tear down at once). */
  holdServices: boolean;
  /** The redaction boundary and every consumer behind it. */
  sink: (event: EngineEvent) => void;
  /** The invocation's redactor: stage output is masked as it streams, and it learns secret outputs. */
  redactor: Redactor;
  /** A stage log could not be written for lack of space: called once, before the run stops (exit 70). */
  onDiskFull?: (error: DiskFullError) => void;
  env?: NodeJS.ProcessEnv;
  runId?: string;
  /** Circuit records across runs (from the report database); all closed when absent. */
  circuits?: ReadonlyMap<string, CircuitRecord>;
  /** The command that closes a stage's circuit by hand, named in "circuit open" errors. */
  circuitReset?: (stage: string) => string;
  /** Up-to-date tasks are skipped (their last fingerprints, --force); absent, every stage runs. */
  freshness?: FreshnessOptions;
}

export interface RunHandle {
  runId: string;
  /** The run's one state: the health endpoint answers from it, read-only. */
  state: RunState;
  done: Promise<{ status: RunStatus; exitCode: number }>;
  /** First call: cancel and roll back. Second: skip the rest of the rollback. */
  interrupt(signal: InterruptSignal): void;
  /** A bug somewhere in this process, or a full disk: stop, tear down, record the run as failed, exit 70. */
  abort(error: unknown): void;
  /** `netra-start status|restart|stop|down` from another terminal (the control socket). */
  control: RunControl;
}

/** EX_SOFTWARE: the run ended because of a bug in netra-start, not in a stage. */
export const INTERNAL_ERROR_EXIT = ExitCode.internal;

export function newRunId(date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}

export function exitCodeFor(status: RunStatus, allowDegraded: boolean, signal?: InterruptSignal): number {
  switch (status) {
    case "ready":
      return ExitCode.ready;
    case "degraded":
      return allowDegraded ? ExitCode.ready : ExitCode.degraded;
    case "interrupted":
      return signal === "SIGTERM" ? ExitCode.sigterm : signal === "SIGHUP" ? ExitCode.sighup : ExitCode.sigint;
    case "failed":
    case "abandoned":
    case "running":
      return ExitCode.failed;
  }
}

export function startRun(options: RunOptions): RunHandle {
  // A plain copy: reading process.env goes through C++ interceptors, and every stage's
  // environment is built from this.
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  const runId = options.runId ?? newRunId();
  const logDir = runLogDir(options.stateDir, runId);
  // Stage logs go in logDir; the files stages write outputs to, in a private folder.
  mkdirSync(outputsDir(logDir), { recursive: true, mode: 0o700 });
  const { plan, redactor } = options;
  const stages = plan.stages;
  const state = new RunState({ runId, stages, degraded: options.config.settings.degraded, sink: options.sink, circuits: options.circuits });
  const skipRollback = new AbortController();
  const released = new AbortController();
  let scheduler: Scheduler | undefined;
  // Filled in as the run gets them: the control socket may be asked before they exist.
  // `down` during startup stops it as SIGTERM would (interrupted, nothing undone); once
  // everything is up it ends the holding, as the end of `--check` does.
  const parts: RunControlParts = { state, plan, phase: "starting", supervisor: undefined, release: () => (parts.phase === "starting" ? interrupt("SIGTERM") : released.abort()) };

  const stageContext = (index: number, signal: AbortSignal, upstreamOutputs: ReadonlyMap<string, Record<string, string>>, firstAttempt?: number) => ({
    state,
    index,
    runId,
    logDir,
    baseEnv: env,
    redactor,
    onDiskFull,
    secretNames: options.config.settings.secrets,
    signal,
    upstreamOutputs,
    firstAttempt,
    circuitReset: options.circuitReset,
    freshness: options.freshness,
    coordination: options.config.settings.coordination,
  });
  const stopNow = () => {
    scheduler?.halt();
    released.abort();
  };

  const interrupt = (signal: InterruptSignal) => {
    if (state.interrupted) return skipRollback.abort();
    state.stop({ by: "interrupt", signal });
    stopNow();
  };
  const abort = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    state.stop(error instanceof DiskFullError || isDiskFull(error) ? { by: "disk-full", message } : { by: "internal", message });
    stopNow();
  };
  let diskFull = false;
  const onDiskFull = (error: DiskFullError) => {
    if (diskFull) return;
    diskFull = true;
    options.onDiskFull?.(error);
    abort(error);
  };

  const startedAt = Date.now();
  const run = async () => {
    state.report({
      type: "run-started",
      runId,
      name: options.config.name,
      concurrency: options.concurrency,
      logDir,
      stages: stages.map((s) => ({ name: s.name, kind: s.kind, priority: s.priority, description: s.description, dependsOn: s.dependsOn, maxAttempts: s.retries + 1 })),
    });
    const supervisor = new ServiceSupervisor({
      state,
      restart: (i, signal, firstAttempt) => runStage(stages[i]!, stageContext(i, signal, scheduler?.upstreamFor(i) ?? new Map(), firstAttempt)),
      onChange: (i, lost) => {
        scheduler?.servicesChanged(lost ? i : undefined);
        // Holding ends when a critical service is lost, or when no service is left to hold.
        if (lost && (state.lostCritical || state.liveServices().length === 0)) released.abort();
      },
    });
    scheduler = new Scheduler({
      plan,
      state,
      concurrency: options.concurrency,
      runStage: (i, signal, upstreamOutputs) => runStage(stages[i]!, stageContext(i, signal, upstreamOutputs)),
      onReady: (i) => supervisor.watch(i),
    });
    parts.supervisor = supervisor;
    if (state.stopped) scheduler.halt();
    await scheduler.run();
    let note: string | undefined;
    let rolledBack = false;
    // Only a failed run is undone (cleanups run); an interrupt or the end of `--check` or
    // of holding services stops services and keeps what init stages did.
    const tearDown = async (reason: RollbackReason) => {
      parts.phase = "stopping";
      await supervisor.stop();
      await rollBack({ state, reason, undo: reason === "failure", env, logDir, redactor, skip: skipRollback.signal });
      rolledBack = true;
    };

    const status = state.runStatus();
    if (status === "failed" || status === "interrupted") {
      if (options.rollback || status === "interrupted") await tearDown(status === "failed" ? "failure" : "interrupt");
      else {
        await supervisor.stop();
        note = "rollback skipped (--no-rollback): stages that became ready were left as they are";
        // Even without rollback, services die with the supervisor: nothing may be orphaned.
        await Promise.all(state.stages.map((e) => e.service?.stop()));
      }
    } else if (state.liveServices().length > 0) {
      if (options.holdServices) {
        state.report({ type: "services-running", stages: state.liveServices().map((e) => e.stage.name) });
        parts.phase = "running";
        await untilAborted(released.signal);
        if (state.lostCritical && !state.interrupted) note = `critical service ${state.lostCritical} stopped and could not be brought back: everything was torn down`;
      }
      parts.phase = "stopping";
      await tearDown(state.runStatus() === "failed" ? "failure" : "teardown");
    }
    parts.phase = "stopping";

    removeModuleResults(outputsDir(logDir));
    const cause = state.stopped;
    if (cause?.by === "internal") note = `internal error: ${cause.message} — this is a bug in netra-start; everything was torn down`;
    if (cause?.by === "disk-full") note = `${cause.message}; everything was torn down`;
    const optional = optionalDependencyNote(state);
    if (optional) note = note ? `${optional}; ${note}` : optional;
    const final = state.runStatus();
    const exitCode = cause && abandonsRun(cause) ? INTERNAL_ERROR_EXIT : exitCodeFor(final, options.allowDegraded, state.interrupted);
    state.report({ type: "run-finished", runId, status: final, exitCode, durationMs: Date.now() - startedAt, results: state.results(), rolledBack, note });
    return { status: final, exitCode };
  };

  // A bug in the run itself (not in a callback the guard in `up` catches): stop what is
  // running, still say how the run ended, and exit 70 — never leave a service behind.
  const done = run().catch(async (error: unknown) => {
    abort(error);
    await Promise.allSettled(state.stages.map((e) => e.service?.stop()));
    const message = error instanceof Error ? error.message : String(error);
    try {
      const note = `internal error: ${message} — this is a bug in netra-start; running stages and services were stopped`;
      state.report({ type: "run-finished", runId, status: "failed", exitCode: INTERNAL_ERROR_EXIT, durationMs: Date.now() - startedAt, results: state.results(), rolledBack: false, note });
    } catch {
      // The report itself failed: the exit code still says it.
    }
    return { status: "failed" as const, exitCode: INTERNAL_ERROR_EXIT };
  });

  return { runId, state, done, interrupt, abort, control: createRunControl(parts) };
}

// A module service's host leaves its result file (init()'s raw outputs) while it runs:
// once the run is over, nothing may keep it.
function removeModuleResults(dir: string): void {
  try {
    for (const name of readdirSync(dir)) if (name.endsWith(".result.json")) rmSync(path.join(dir, name), { force: true });
  } catch {
    // No outputs folder left: nothing to remove.
  }
}

// Services run in the foreground, supervised, until Ctrl-C, until a critical one is lost
// for good, or until none is left. A timer of our own keeps the process alive meanwhile:
// were every service's process gone, Node would otherwise end with the wait unsettled
// (exit 13) instead of finishing the run.
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const keepAlive = setInterval(() => undefined, 60_000);
    signal.addEventListener(
      "abort",
      () => {
        clearInterval(keepAlive);
        resolve();
      },
      { once: true },
    );
  });
}
