// The one holder of a run's state: every stage's status and what came with it (attempts,
// outputs, the running service, its cleanup), the circuits, and the run's own phase.
// Status changes only through `transition()`, which checks the move against the table
// below and emits exactly one event for it. Scheduler, supervisor, rollback and `down`
// ask this object and drive it; none of them keeps a copy.
import type { Command, Stage } from "../config/types.js";
import { CLOSED, type CircuitRecord } from "./circuit-breaker.js";
import type { EngineEvent, Fact, RecordedStatus, RollbackAction, RollbackReason, RunStatus, StageResult } from "./events.js";
import type { AttemptFailure } from "./failure.js";
import type { ServiceHandle } from "./stage-runner.js";
import { oneLine } from "../util/visible-text.js";

export type StageStatus = "pending" | "running" | "retrying" | "ready" | "restarting" | "failed" | "skipped" | "cancelled" | "rolled-back";

/** Every legal move. Skipped and rolled-back are final; a failed or cancelled stage can
 *  still be rolled back when it had been ready (a service lost or stopped mid-restart). */
export const TRANSITIONS: { readonly [From in StageStatus]: readonly StageStatus[] } = {
  // pending → failed: an open circuit refuses the stage before any attempt.
  // pending → ready: a task found up to date (its inputs unchanged) runs nothing.
  pending: ["running", "skipped", "failed", "ready"],
  running: ["ready", "retrying", "failed", "cancelled"],
  retrying: ["running", "cancelled"],
  // ready → failed: a service exited and is not restarted (restart: no, circuit open).
  // ready → running: `netra-start restart` runs a task again; ready → cancelled: `stop`.
  ready: ["restarting", "failed", "rolled-back", "running", "cancelled"],
  restarting: ["running", "failed", "cancelled"],
  // failed / cancelled → running: `netra-start restart` on a stage that failed or was stopped.
  failed: ["rolled-back", "running"],
  skipped: [],
  cancelled: ["rolled-back", "running"],
  "rolled-back": [],
};

export function canTransition(from: StageStatus, to: StageStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** What each move needs to know; it becomes the payload of the event the move emits. */
export interface TransitionDetails {
  pending: never;
  /** `why`: a task with inputs/creates, on its first attempt: why it runs. */
  running: { attempt: number; maxAttempts: number; why?: string };
  retrying: { nextAttempt: number; maxAttempts: number; delayMs: number };
  /** `upToDate`: skipped as up to date (from pending), with its recorded outputs; the reason shown. */
  ready: { attempts: number; outputs: Record<string, string>; service: ServiceHandle | undefined; cleanup: Command | undefined; logPath: string | undefined; upToDate?: string };
  /** `expected`: stopped by `netra-start restart`, not a crash: no error to show. `unhealthy`: it did not exit, its liveness checks failed (it is stopped after the move). */
  restarting: { exitCode: number | null; signal: string | null; uptimeMs: number; delayMs: number; expected?: boolean; unhealthy?: { failures: number; detail: string } };
  failed: { attempts: number; error: string; tail: string[]; exitCode: number | undefined; reason: AttemptFailure["reason"] | "lost"; logPath: string | undefined };
  skipped: { reason: string };
  cancelled: { reason: string };
  "rolled-back": { reason: RollbackReason; action: RollbackAction; seq: number; outcome: "ok" | "failed" | "skipped"; durationMs: number; error: string | undefined };
}

export interface StageEntry {
  readonly stage: Stage;
  readonly index: number;
  readonly status: StageStatus;
  /** Attempts made in this run, counted on across a service's restarts. */
  readonly attempts: number;
  readonly restarts: number;
  readonly startedAt: number | undefined;
  readonly readyAt: number | undefined;
  readonly finishedAt: number | undefined;
  readonly exitCode: number | undefined;
  readonly error: string | undefined;
  readonly logPath: string | undefined;
  /** Raw values, for dependents; events carry them only through the redaction boundary. */
  readonly outputs: Record<string, string>;
  readonly cleanup: Command | undefined;
  /** The service's current process: what teardown stops. */
  readonly service: ServiceHandle | undefined;
  /** Was ready at some point in this run (a service may be restarting or lost since). */
  readonly everReady: boolean;
  /** What it was when rollback undid it: a service lost before the rollback stays failed in the record. */
  readonly undoneFrom: StageStatus | undefined;
  /** A task with inputs/creates: why it ran, or "up to date". */
  readonly why: string | undefined;
  /** Ready without running: up to date. */
  readonly upToDate: boolean;
  /** The latest health probe, for `netra-start status`. */
  readonly lastHealth: { ok: boolean; detail: string; at: string } | undefined;
  /** The latest error (a failed attempt, an exit), kept after the stage is ready again: `status` shows it. */
  readonly lastError: string | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type InterruptSignal = "SIGINT" | "SIGTERM" | "SIGHUP";
/** Why the run stopped early: a critical failure, a signal, a bug in netra-start itself, or the disk filling up. */
export type StopCause =
  | { by: "failure"; stage: string }
  | { by: "interrupt"; signal: InterruptSignal }
  | { by: "internal"; message: string }
  | { by: "disk-full"; message: string };

/** Causes that are not the stages' doing: the run is failed and exits 70 whatever they did. */
export function abandonsRun(cause: StopCause): cause is Extract<StopCause, { by: "internal" | "disk-full" }> {
  return cause.by === "internal" || cause.by === "disk-full";
}

export class IllegalTransition extends Error {
  constructor(stage: string, from: StageStatus, to: StageStatus) {
    super(`illegal transition of stage ${stage}: ${from} → ${to}`);
    this.name = "IllegalTransition";
  }
}

export interface RunStateOptions {
  runId: string;
  stages: readonly Stage[];
  /** Critical failure means any failure when `settings.degraded: fail`. */
  degraded: "allow" | "fail";
  /** Where events go: the redaction boundary, then every consumer. */
  sink: (event: EngineEvent) => void;
  circuits?: ReadonlyMap<string, CircuitRecord>;
  clock?: () => number;
}

export class RunState {
  readonly runId: string;
  private readonly entries: Mutable<StageEntry>[];
  private readonly byName = new Map<string, Mutable<StageEntry>>();
  private readonly circuits: Map<string, CircuitRecord>;
  /** Stage indices in the order they became ready: rollback walks it backwards. */
  private readonly readyOrder: number[] = [];
  private stopCause: StopCause | undefined;
  private interruptedBy: InterruptSignal | undefined;
  private criticalLoss: string | undefined;
  private readonly clock: () => number;

  constructor(private readonly options: RunStateOptions) {
    this.runId = options.runId;
    this.clock = options.clock ?? Date.now;
    this.circuits = new Map(options.circuits ?? []);
    this.entries = options.stages.map((stage, index) => {
      const entry: Mutable<StageEntry> = {
        stage,
        index,
        status: "pending",
        attempts: 0,
        restarts: 0,
        startedAt: undefined,
        readyAt: undefined,
        finishedAt: undefined,
        exitCode: undefined,
        error: undefined,
        logPath: undefined,
        outputs: {},
        cleanup: undefined,
        service: undefined,
        everReady: false,
        undoneFrom: undefined,
        why: undefined,
        upToDate: false,
        lastHealth: undefined,
        lastError: undefined,
      };
      this.byName.set(stage.name, entry);
      return entry;
    });
  }

  /**
   * `down` resumes a recorded run: these stages were ready (oldest first) and are to be
   * undone. Loading what was recorded is not a change, so no event is emitted.
   */
  restoreReady(ready: readonly { index: number; cleanup: Command | undefined }[]): void {
    for (const { index, cleanup } of ready) {
      const entry = this.entries[index];
      if (!entry || entry.status !== "pending") continue;
      Object.assign(entry, { status: "ready", everReady: true, cleanup });
      this.readyOrder.push(index);
    }
  }

  get stages(): readonly StageEntry[] {
    return this.entries;
  }

  entry(index: number): StageEntry {
    return this.entries[index] as StageEntry;
  }

  named(name: string): StageEntry | undefined {
    return this.byName.get(name);
  }

  isCritical(index: number): boolean {
    return this.entry(index).stage.priority === "critical" || this.options.degraded === "fail";
  }

  /** Newest first: the order in which rollback undoes what became ready. */
  readyNewestFirst(): StageEntry[] {
    return [...this.readyOrder].reverse().map((i) => this.entry(i));
  }

  get stopped(): StopCause | undefined {
    return this.stopCause;
  }

  /** The first reason to stop wins: a later one does not change why the run stopped. */
  stop(cause: StopCause): boolean {
    if (cause.by === "interrupt") this.interruptedBy ??= cause.signal;
    if (abandonsRun(cause) && !(this.stopCause && abandonsRun(this.stopCause))) {
      // A bug or a full disk outranks everything: the run's result can no longer be trusted.
      this.stopCause = cause;
      return true;
    }
    if (this.stopCause) return false;
    this.stopCause = cause;
    return true;
  }

  /** The signal that interrupted the run, even one that came while it was already stopping. */
  get interrupted(): InterruptSignal | undefined {
    return this.interruptedBy;
  }

  /** A critical service that could not be brought back, once everything was up. */
  get lostCritical(): string | undefined {
    return this.criticalLoss;
  }

  /** A service that was ready and is not ready right now: restarting, or retrying its restart. */
  isDown(index: number): boolean {
    const e = this.entry(index);
    return e.everReady && (e.status === "restarting" || e.status === "running" || e.status === "retrying");
  }

  /** Services that are up, or on their way back up: what the run holds, and what teardown ends. */
  liveServices(): StageEntry[] {
    return this.entries.filter((e) => e.status === "ready" ? e.service !== undefined : this.isDown(e.index));
  }

  anyFailed(): boolean {
    return this.entries.some((e) => e.status === "failed");
  }

  runStatus(): RunStatus {
    if (this.stopCause && abandonsRun(this.stopCause)) return "failed";
    if (this.interruptedBy) return "interrupted";
    if (this.stopCause?.by === "failure" || this.criticalLoss) return "failed";
    return this.anyFailed() ? "degraded" : "ready";
  }

  // The one place a stage's status changes.
  transition<To extends Exclude<StageStatus, "pending">>(index: number, to: To, details: TransitionDetails[To]): void {
    const entry = this.entries[index];
    if (!entry) throw new RangeError(`no stage #${index}`);
    const from = entry.status;
    if (!canTransition(from, to)) throw new IllegalTransition(entry.stage.name, from, to);
    const now = this.clock();
    const event = this.apply(entry, from, to, details, now);
    entry.status = to; // the one assignment
    // A stage's row is written when it reaches a final state: the event carries it.
    if (ROW_EVENTS.has(event.type)) (event as { result?: StageResult }).result = resultOf(entry);
    this.emit(event);
    for (const watcher of this.watchers) watcher(index, to);
  }

  private readonly watchers: ((index: number, to: StageStatus) => void)[] = [];

  /** Be told of each move after it happened (the scheduler opens `condition: started` edges so); reads only. */
  watch(watcher: (index: number, to: StageStatus) => void): void {
    this.watchers.push(watcher);
  }

  // Updates the entry for the move and builds the event that says so.
  private apply(entry: Mutable<StageEntry>, from: StageStatus, to: StageStatus, details: TransitionDetails[keyof TransitionDetails], now: number): EngineEvent {
    const stage = entry.stage.name;
    const at = new Date(now).toISOString();
    const critical = this.isCritical(entry.index);
    switch (to) {
      case "running": {
        const d = details as TransitionDetails["running"];
        if (from === "pending") entry.startedAt = now;
        if (d.why !== undefined) entry.why = d.why;
        entry.attempts = Math.max(entry.attempts, d.attempt);
        return { type: "stage-started", at, stage, attempt: d.attempt, maxAttempts: d.maxAttempts, ...(d.why === undefined ? {} : { why: d.why }) };
      }
      case "retrying": {
        const d = details as TransitionDetails["retrying"];
        return { type: "stage-retrying", at, stage, nextAttempt: d.nextAttempt, maxAttempts: d.maxAttempts, delayMs: d.delayMs };
      }
      case "ready": {
        const d = details as TransitionDetails["ready"];
        // Only a task found up to date may become ready without running.
        if (from === "pending" && d.upToDate === undefined) throw new IllegalTransition(stage, from, to);
        Object.assign(entry, { attempts: d.attempts, outputs: d.outputs, service: d.service, cleanup: d.cleanup, logPath: d.logPath, readyAt: now, error: undefined });
        if (from === "pending") {
          // Up to date: it ran nothing, and became ready as it was last time.
          // No start time, so no duration: a 0 ms row must not pull down the scheduling
          // estimates (the median of the stage's last durations) of the runs that do run it.
          Object.assign(entry, { everReady: true, upToDate: true, why: d.upToDate, finishedAt: now });
          this.readyOrder.push(entry.index);
          return { type: "stage-up-to-date", at, stage, reason: d.upToDate ?? "up to date", outputs: d.outputs };
        }
        if (!entry.everReady) {
          entry.everReady = true;
          entry.finishedAt = now;
          this.readyOrder.push(entry.index);
          return { type: "stage-ready", at, stage, attempts: d.attempts, durationMs: now - (entry.startedAt ?? now), outputs: d.outputs };
        }
        entry.restarts++;
        return { type: "service-restarted", at, stage, restarts: entry.restarts, attempts: d.attempts };
      }
      case "restarting": {
        const d = details as TransitionDetails["restarting"];
        entry.service = undefined;
        if (d.unhealthy) {
          entry.lastError = `unhealthy (${oneLine(d.unhealthy.detail)})`;
          return { type: "service-unhealthy", at, stage, attempt: entry.attempts, failures: d.unhealthy.failures, detail: oneLine(d.unhealthy.detail), uptimeMs: d.uptimeMs, restarting: true, delayMs: d.delayMs };
        }
        if (!d.expected) entry.lastError = `exited (${d.signal ? `killed by ${d.signal}` : `exit code ${d.exitCode}`})`;
        return { type: "service-exited", at, stage, exitCode: d.exitCode, signal: d.signal, uptimeMs: d.uptimeMs, restarting: true, delayMs: d.delayMs };
      }
      case "failed": {
        const d = details as TransitionDetails["failed"];
        // Every error (the stage's row, the event) is one line, whoever worded it.
        const error = oneLine(d.error);
        Object.assign(entry, { attempts: Math.max(entry.attempts, d.attempts), error, lastError: error, exitCode: d.exitCode, service: undefined });
        if (d.logPath !== undefined) entry.logPath = d.logPath;
        if (entry.everReady) {
          // A service lost after the run was up: what that means is the run's call.
          if (critical) this.criticalLoss ??= stage;
          return { type: "service-lost", at, stage, error, critical };
        }
        entry.finishedAt = now;
        return { type: "stage-failed", at, stage, attempts: entry.attempts, durationMs: now - (entry.startedAt ?? now), error, tail: d.tail, critical, exitCode: d.exitCode, reason: d.reason };
      }
      case "skipped":
      case "cancelled": {
        const d = details as TransitionDetails["skipped"];
        entry.error = to === "cancelled" ? "cancelled" : d.reason;
        entry.service = undefined;
        if (from !== "pending") entry.finishedAt ??= now;
        return { type: to === "skipped" ? "stage-skipped" : "stage-cancelled", at, stage, reason: d.reason };
      }
      case "rolled-back": {
        const d = details as TransitionDetails["rolled-back"];
        entry.service = undefined;
        entry.undoneFrom = from;
        return { type: "rollback-stage", at, stage, seq: d.seq, reason: d.reason, action: d.action, status: d.outcome, durationMs: d.durationMs, error: d.error === undefined ? undefined : oneLine(d.error) };
      }
      case "pending":
        throw new IllegalTransition(stage, from, to);
    }
  }

  /** Things that happen without a status change: output, health checks, processes… */
  report(fact: Fact): void {
    const at = new Date(this.clock()).toISOString();
    // What `status` shows of a stage besides its status: its latest probe and error.
    if (fact.type === "health-check" || fact.type === "attempt-failed") {
      const entry = this.byName.get(fact.stage);
      if (entry && fact.type === "health-check") entry.lastHealth = { ok: fact.ok, detail: fact.detail, at };
      if (entry && fact.type === "attempt-failed") entry.lastError = oneLine(fact.error);
    }
    this.emit({ ...fact, at } as EngineEvent);
  }

  circuit(stage: string): CircuitRecord {
    return this.circuits.get(stage) ?? CLOSED;
  }

  /** Circuit records change here only, and every change is an event (the recorder stores it). */
  setCircuit(stage: Stage, next: CircuitRecord, why: string): void {
    const before = this.circuit(stage.name);
    if (before.state === next.state && before.consecutiveFailures === next.consecutiveFailures && before.openedAt === next.openedAt) return;
    this.circuits.set(stage.name, next);
    const nextTryAt = next.state === "open" ? new Date((next.openedAt as number) + stage.circuitBreaker.recoveryMs).toISOString() : undefined;
    this.report({
      type: "circuit-changed",
      stage: stage.name,
      from: before.state,
      to: next.state,
      consecutiveFailures: next.consecutiveFailures,
      openedAt: next.openedAt === undefined ? undefined : new Date(next.openedAt).toISOString(),
      nextTryAt,
      why,
    });
  }

  /** What every stage came to, for the summary and `run-finished`. */
  results(): StageResult[] {
    return this.entries.map(resultOf);
  }

  private emit(event: EngineEvent): void {
    this.options.sink(event);
  }
}

// A stage's row in the report database says how its startup went: a stage rolled back
// or stopped at teardown was ready (the rollbacks table says what happened after).
export function recordedStatus(entry: Pick<StageEntry, "status" | "everReady" | "undoneFrom">): RecordedStatus {
  switch (entry.status) {
    case "rolled-back":
      return recordedStatus({ ...entry, status: entry.undoneFrom ?? "ready" });
    case "ready":
    case "restarting":
      return "ready";
    case "failed":
      return "failed";
    case "cancelled":
      return entry.everReady ? "ready" : "cancelled";
    case "running":
    case "retrying":
      return entry.everReady ? "ready" : "cancelled";
    case "skipped":
    case "pending":
      return "skipped";
  }
}

const ROW_EVENTS = new Set<EngineEvent["type"]>(["stage-ready", "stage-up-to-date", "stage-failed", "stage-skipped", "stage-cancelled", "service-lost"]);

function resultOf(e: StageEntry): StageResult {
  return {
    name: e.stage.name,
    description: e.stage.description,
    status: recordedStatus(e),
    priority: e.stage.priority,
    kind: e.stage.kind,
    attempts: e.attempts,
    startedAt: iso(e.startedAt),
    finishedAt: iso(e.finishedAt),
    durationMs: e.startedAt !== undefined && e.finishedAt !== undefined ? e.finishedAt - e.startedAt : undefined,
    exitCode: e.exitCode,
    error: e.error,
    logPath: e.logPath,
    why: e.why,
    upToDate: e.upToDate,
  };
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
