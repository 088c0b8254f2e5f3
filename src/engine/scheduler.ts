// Runs a plan: a stage starts the moment its dependencies are ready and a slot is free;
// among startable stages the one with the longest estimated remaining path goes first
// (critical-path-first list scheduling). Decides what a failure means for the run, but
// runs no process itself: `runStage` is injected, so this is testable on its own.
import type { Command, Stage } from "../config/types.js";
import type { Plan } from "../graph/plan.js";
import { Heap } from "../util/heap.js";
import { now, type EngineEvent, type StageStatus } from "./events.js";
import type { ServiceHandle, StageRunResult } from "./stage-runner.js";

export type RunStage = (stage: Stage, signal: AbortSignal, upstreamOutputs: ReadonlyMap<string, Record<string, string>>) => Promise<StageRunResult>;

export interface SchedulerOptions {
  plan: Plan;
  concurrency: number;
  /** `fail`: any failed stage ends the run, as a critical one does. */
  degraded: "allow" | "fail";
  runStage: RunStage;
  emit: (event: EngineEvent) => void;
  /** A service became ready: the supervisor watches it from here on. */
  onServiceReady?: (index: number, handle: ServiceHandle, attempts: number) => void;
}

export interface StageRecord {
  status: StageStatus | "pending" | "running";
  attempts: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  error: string | undefined;
  exitCode: number | undefined;
  logPath: string | undefined;
}

export interface ScheduleOutcome {
  records: StageRecord[];
  /** Stage indices in the order they became ready: rollback runs it backwards. */
  readyOrder: number[];
  /** The cleanup each ready stage needs on rollback (its own, or its module's). */
  cleanups: Map<number, Command>;
  /** Why the run stopped early, if it did. */
  stopped: { by: "failure"; stage: string } | { by: "interrupt" } | undefined;
  anyFailed: boolean;
}

const EMPTY_OUTPUTS: ReadonlyMap<string, Record<string, string>> = new Map();

export class Scheduler {
  private readonly stages: Stage[];
  private readonly records: StageRecord[];
  private readonly waitingOn: number[];
  private readonly queue: Heap<number>;
  private readonly controllers = new Map<number, AbortController>();
  private readonly outputs: Record<string, string>[] = [];
  private readonly upstream: ReadonlyMap<string, Record<string, string>>[] = [];
  private readonly readyOrder: number[] = [];
  private readonly cleanups = new Map<number, Command>();
  private stopped: ScheduleOutcome["stopped"];
  /** Services restarting right now: their dependents wait, parked. */
  private readonly down = new Set<number>();
  private parked: number[] = [];
  private anyFailed = false;
  private running = 0;
  private finish: (() => void) | undefined;

  constructor(private readonly options: SchedulerOptions) {
    const { plan } = options;
    this.stages = plan.stages;
    this.records = plan.stages.map(() => ({ status: "pending", attempts: 0, startedAt: undefined, finishedAt: undefined, error: undefined, exitCode: undefined, logPath: undefined }));
    this.waitingOn = plan.graph.deps.map((d) => d.length);
    const remaining = plan.remainingMs;
    this.queue = new Heap<number>((a, b) => (remaining[a] as number) > (remaining[b] as number) || (remaining[a] === remaining[b] && a < b));
  }

  run(): Promise<ScheduleOutcome> {
    return new Promise((resolve) => {
      this.finish = () =>
        resolve({ records: this.records, readyOrder: this.readyOrder, cleanups: this.cleanups, stopped: this.stopped, anyFailed: this.anyFailed });
      this.waitingOn.forEach((count, i) => count === 0 && this.queue.push(i));
      this.pump();
    });
  }

  /** SIGINT/SIGTERM: start nothing more, cancel what runs. */
  interrupt(): void {
    this.stop({ by: "interrupt" });
  }

  /** A ready service died and is restarting: stages that need it wait. */
  serviceDown(i: number): void {
    if (this.finish) this.down.add(i);
  }

  /** It is back (after `attempts` attempts in all): release what was waiting for it. */
  serviceUp(i: number, attempts: number): void {
    this.down.delete(i);
    const record = this.records[i] as StageRecord;
    record.attempts = attempts;
    const waiting = this.parked;
    this.parked = [];
    for (const p of waiting) this.queue.push(p);
    this.pump();
  }

  /** A service that cannot be brought back: a failure like any other. */
  serviceLost(i: number, error: string): void {
    this.down.delete(i);
    const stage = this.stages[i] as Stage;
    const record = this.records[i] as StageRecord;
    record.status = "failed";
    record.error = error;
    this.anyFailed = true;
    if (!this.finish) return; // scheduling is over: the run decides
    const critical = stage.priority === "critical" || this.options.degraded === "fail";
    if (critical) this.stop({ by: "failure", stage: stage.name });
    else {
      const parked = this.parked;
      this.parked = [];
      for (const p of parked) this.queue.push(p);
      this.skipDependents(i, stage.name);
    }
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.options.concurrency && this.queue.size > 0) {
      const next = this.queue.pop() as number;
      if (this.records[next]?.status !== "pending") continue;
      if ((this.options.plan.graph.deps[next] ?? []).some((d) => this.down.has(d))) this.parked.push(next);
      else this.start(next);
    }
    if (this.running === 0 && (this.stopped || (this.queue.size === 0 && (this.parked.length === 0 || this.down.size === 0)))) {
      this.skipPending();
      this.finish?.();
      this.finish = undefined;
    }
  }

  private start(i: number): void {
    const stage = this.stages[i] as Stage;
    const record = this.records[i] as StageRecord;
    const controller = new AbortController();
    this.controllers.set(i, controller);
    record.status = "running";
    record.startedAt = Date.now();
    this.running++;
    this.options.runStage(stage, controller.signal, this.upstreamOf(i)).then(
      (result) => this.complete(i, result),
      (error: unknown) => this.complete(i, { ok: false, attempts: Math.max(1, record.attempts), failure: { reason: "spawn-error", message: String(error) }, error: `internal error: ${String(error)}`, tail: [], exitCode: undefined, logPath: "" }),
    );
  }

  private complete(i: number, result: StageRunResult): void {
    const stage = this.stages[i] as Stage;
    const record = this.records[i] as StageRecord;
    this.running--;
    this.controllers.delete(i);
    record.finishedAt = Date.now();
    record.attempts = result.attempts;
    record.logPath = result.logPath;
    const durationMs = record.finishedAt - (record.startedAt as number);
    if (result.ok) {
      record.status = "ready";
      this.outputs[i] = result.outputs;
      this.readyOrder.push(i);
      // Services are handed on: the run keeps their handles and a supervisor watches them.
      if (result.service) this.options.onServiceReady?.(i, result.service, result.attempts);
      if (result.cleanup) this.cleanups.set(i, result.cleanup);
      this.options.emit({ type: "stage-ready", at: now(), stage: stage.name, attempts: result.attempts, durationMs, outputs: result.outputs });
      for (const dependent of this.options.plan.graph.dependents[i] ?? []) {
        this.waitingOn[dependent] = (this.waitingOn[dependent] as number) - 1;
        if (this.waitingOn[dependent] === 0 && this.records[dependent]?.status === "pending") this.queue.push(dependent);
      }
    } else if (result.failure.reason === "cancelled") {
      record.status = "cancelled";
      record.error = "cancelled";
      this.options.emit({ type: "stage-cancelled", at: now(), stage: stage.name, reason: this.stopReason() });
    } else {
      record.status = "failed";
      record.error = result.error;
      record.exitCode = result.exitCode;
      this.anyFailed = true;
      const critical = stage.priority === "critical" || this.options.degraded === "fail";
      this.options.emit({ type: "stage-failed", at: now(), stage: stage.name, attempts: result.attempts, durationMs, error: result.error, tail: result.tail, critical, exitCode: result.exitCode, reason: result.failure.reason });
      if (critical) this.stop({ by: "failure", stage: stage.name });
      else this.skipDependents(i, stage.name);
    }
    this.pump();
  }

  // A failed optional stage: its dependents cannot start. A critical one among them
  // makes the whole run fail, as if it had failed itself.
  private skipDependents(failed: number, failedName: string): void {
    const stack = [...(this.options.plan.graph.dependents[failed] ?? [])];
    while (stack.length > 0) {
      const i = stack.pop() as number;
      const record = this.records[i] as StageRecord;
      if (record.status !== "pending") continue;
      record.status = "skipped";
      const stage = this.stages[i] as Stage;
      record.error = `dependency ${failedName} failed`;
      this.options.emit({ type: "stage-skipped", at: now(), stage: stage.name, reason: record.error });
      if (stage.priority === "critical" && !this.stopped) this.stop({ by: "failure", stage: stage.name });
      stack.push(...(this.options.plan.graph.dependents[i] ?? []));
    }
  }

  private stop(why: NonNullable<ScheduleOutcome["stopped"]>): void {
    if (this.stopped) return;
    this.stopped = why;
    for (const controller of this.controllers.values()) controller.abort();
    this.pump();
  }

  private stopReason(): string {
    if (this.stopped?.by === "failure") return `the run is stopping: ${this.stopped.stage} failed`;
    if (this.stopped?.by === "interrupt") return "interrupted";
    return "cancelled";
  }

  private skipPending(): void {
    this.records.forEach((record, i) => {
      if (record.status !== "pending") return;
      record.status = "skipped";
      record.error = `not started: ${this.stopReason().replace(/^the run is stopping: /, "")}`;
      this.options.emit({ type: "stage-skipped", at: now(), stage: (this.stages[i] as Stage).name, reason: record.error });
    });
  }

  // Outputs of every stage upstream. Shared, not copied, when a stage adds nothing new,
  // so a 1000-stage chain does not build 1000 maps.
  private upstreamOf(i: number): ReadonlyMap<string, Record<string, string>> {
    const deps = this.options.plan.graph.deps[i] ?? [];
    const contributing = deps.filter((d) => (this.upstream[d]?.size ?? 0) > 0 || Object.keys(this.outputs[d] ?? {}).length > 0);
    let merged: ReadonlyMap<string, Record<string, string>> = EMPTY_OUTPUTS;
    if (contributing.length === 1 && Object.keys(this.outputs[contributing[0] as number] ?? {}).length === 0) merged = this.upstream[contributing[0] as number] ?? EMPTY_OUTPUTS;
    else if (contributing.length > 0) {
      const map = new Map<string, Record<string, string>>();
      for (const d of contributing) {
        for (const [name, values] of this.upstream[d] ?? EMPTY_OUTPUTS) map.set(name, values);
        const own = this.outputs[d];
        if (own && Object.keys(own).length > 0) map.set((this.stages[d] as Stage).name, own);
      }
      merged = map;
    }
    this.upstream[i] = merged;
    return merged;
  }
}
