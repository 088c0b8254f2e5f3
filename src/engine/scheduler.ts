// Runs a plan: a stage starts the moment its dependencies are ready and a slot is free;
// among startable stages the one with the longest estimated remaining path goes first
// (critical-path-first list scheduling). Decides what a failure means for the run, but
// runs no process itself: `runStage` is injected. Statuses live in the RunState; this
// keeps only what scheduling needs (dependency counts, the queue, running attempts).
import type { DependencyEdge } from "../config/types.js";
import type { Plan } from "../graph/plan.js";
import { Heap } from "../util/heap.js";
import type { RunState } from "./run-state.js";
import type { StageRunResult } from "./stage-runner.js";

export type RunStage = (index: number, signal: AbortSignal, upstreamOutputs: ReadonlyMap<string, Record<string, string>>) => Promise<StageRunResult>;

export interface SchedulerOptions {
  plan: Plan;
  state: RunState;
  concurrency: number;
  runStage: RunStage;
  /** A stage became ready (a service is watched from then on). */
  onReady?: (index: number) => void;
}

const EMPTY_OUTPUTS: ReadonlyMap<string, Record<string, string>> = new Map();

export class Scheduler {
  private readonly state: RunState;
  private readonly waitingOn: number[];
  private readonly queue: Heap<number>;
  private readonly controllers = new Map<number, AbortController>();
  private readonly upstream: ReadonlyMap<string, Record<string, string>>[] = [];
  /** Startable stages held back because a service they need is restarting. */
  private parked: number[] = [];
  private running = 0;
  private finish: (() => void) | undefined;

  /** Per stage, the dependencies that no longer hold it back (their condition was met, or an optional one failed). */
  private readonly opened: Set<number>[];

  constructor(private readonly options: SchedulerOptions) {
    this.state = options.state;
    this.waitingOn = options.plan.graph.deps.map((d) => d.length);
    this.opened = options.plan.graph.deps.map(() => new Set<number>());
    const remaining = options.plan.remainingMs;
    this.queue = new Heap<number>((a, b) => (remaining[a] as number) > (remaining[b] as number) || (remaining[a] === remaining[b] && a < b));
    // `condition: started`: a dependent may go once the dependency's attempt has begun.
    this.state.watch((i, to) => {
      if (to !== "running" || !this.finish) return;
      for (const dependent of this.options.plan.graph.dependents[i] ?? []) if (this.edge(dependent, i).condition === "started") this.openEdge(dependent, i);
      queueMicrotask(() => this.pump());
    });
  }

  private edge(dependent: number, dependency: number): DependencyEdge {
    const name = this.state.entry(dependency).stage.name;
    return this.state.entry(dependent).stage.dependencies.find((e) => e.stage === name) ?? { stage: name, condition: "ready", required: true, restart: false };
  }

  // Each edge lets its dependent go once; the last one queues it.
  private openEdge(dependent: number, dependency: number): void {
    const opened = this.opened[dependent] as Set<number>;
    if (opened.has(dependency)) return;
    opened.add(dependency);
    this.waitingOn[dependent] = (this.waitingOn[dependent] as number) - 1;
    if (this.waitingOn[dependent] === 0 && this.state.entry(dependent).status === "pending") this.queue.push(dependent);
  }

  /** Resolves when nothing runs and nothing more can start. */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.finish = resolve;
      this.waitingOn.forEach((count, i) => count === 0 && this.queue.push(i));
      this.pump();
    });
  }

  /** Start nothing more and cancel what runs (the cause is already in the RunState). */
  halt(): void {
    for (const controller of this.controllers.values()) controller.abort();
    this.pump();
  }

  /** A service's status changed (restarting, back, lost): see what can start now. */
  servicesChanged(lost?: number): void {
    if (!this.finish) return; // scheduling is over: the run decides
    if (lost !== undefined) {
      if (this.state.isCritical(lost)) this.stopFor(lost);
      else this.skipDependents(lost);
    }
    const parked = this.parked;
    this.parked = [];
    for (const p of parked) this.queue.push(p);
    this.pump();
  }

  private pump(): void {
    const deps = this.options.plan.graph.deps;
    while (!this.state.stopped && this.running < this.options.concurrency && this.queue.size > 0) {
      const next = this.queue.pop() as number;
      if (this.state.entry(next).status !== "pending") continue;
      if ((deps[next] ?? []).some((d) => this.state.isDown(d))) this.parked.push(next);
      else this.start(next);
    }
    const restarting = this.parked.length > 0 && this.state.stages.some((e) => this.state.isDown(e.index));
    if (this.running === 0 && (this.state.stopped || (this.queue.size === 0 && !restarting))) {
      this.skipPending();
      this.finish?.();
      this.finish = undefined;
    }
  }

  private start(i: number): void {
    const controller = new AbortController();
    this.controllers.set(i, controller);
    this.running++;
    this.options.runStage(i, controller.signal, this.upstreamOf(i)).then(
      (result) => this.complete(i, result),
      (error: unknown) => this.complete(i, internalFailure(error, this.state.entry(i).attempts)),
    );
  }

  // The stage runner moved it through running/retrying; the end of its run is decided here.
  private complete(i: number, result: StageRunResult): void {
    this.running--;
    this.controllers.delete(i);
    const entry = this.state.entry(i);
    if (result.ok) {
      this.state.transition(i, "ready", { attempts: result.attempts, outputs: result.outputs, service: result.service, cleanup: result.cleanup, logPath: result.logPath, upToDate: result.upToDate });
      this.options.onReady?.(i);
      // ready and completed edges open here (a task is ready when it completed successfully); started ones already did.
      for (const dependent of this.options.plan.graph.dependents[i] ?? []) this.openEdge(dependent, i);
    } else if (result.failure.reason === "cancelled") {
      // Cancelled before its first attempt began: it never started.
      if (entry.status === "pending") this.state.transition(i, "skipped", { reason: `not started: ${this.stopReason()}` });
      else this.state.transition(i, "cancelled", { reason: this.stopReason() });
    } else {
      this.state.transition(i, "failed", { attempts: result.attempts, error: result.error, tail: result.tail, exitCode: result.exitCode, reason: result.failure.reason, logPath: result.logPath });
      if (this.state.isCritical(i)) this.stopFor(i);
      else this.skipDependents(i);
    }
    this.pump();
  }

  private stopFor(failed: number): void {
    if (this.state.stop({ by: "failure", stage: this.state.entry(failed).stage.name })) this.halt();
  }

  // A failed non-critical stage: its dependents cannot start, unless their edge to it says
  // `required: false` (they go without it) or was already open (`condition: started`). A
  // critical one among the skipped makes the whole run fail, as if it had failed itself.
  private skipDependents(failed: number): void {
    const failedName = this.state.entry(failed).stage.name;
    const stack = [failed];
    while (stack.length > 0) {
      const d = stack.pop() as number;
      for (const i of this.options.plan.graph.dependents[d] ?? []) {
        if (this.opened[i]?.has(d)) continue;
        if (!this.edge(i, d).required) {
          this.openEdge(i, d);
          continue;
        }
        if (this.state.entry(i).status !== "pending") continue;
        this.state.transition(i, "skipped", { reason: `dependency ${failedName} failed` });
        if (this.state.entry(i).stage.priority === "critical") this.stopFor(i);
        stack.push(i);
      }
    }
  }

  private stopReason(): string {
    const stopped = this.state.stopped;
    if (stopped?.by === "failure") return `the run is stopping: ${stopped.stage} failed`;
    if (stopped?.by === "interrupt") return "interrupted";
    if (stopped?.by === "internal") return `the run is stopping: internal error`;
    if (stopped?.by === "disk-full") return `the run is stopping: the disk is full`;
    return "cancelled";
  }

  private skipPending(): void {
    const reason = `not started: ${this.stopReason().replace(/^the run is stopping: /, "")}`;
    for (const entry of this.state.stages) if (entry.status === "pending") this.state.transition(entry.index, "skipped", { reason });
  }

  // Outputs of every stage upstream. Shared, not copied, when a stage adds nothing new,
  // so a 1000-stage chain does not build 1000 maps.
  private upstreamOf(i: number): ReadonlyMap<string, Record<string, string>> {
    const deps = this.options.plan.graph.deps[i] ?? [];
    const own = (d: number) => this.state.entry(d).outputs;
    const contributing = deps.filter((d) => (this.upstream[d]?.size ?? 0) > 0 || Object.keys(own(d)).length > 0);
    let merged: ReadonlyMap<string, Record<string, string>> = EMPTY_OUTPUTS;
    if (contributing.length === 1 && Object.keys(own(contributing[0] as number)).length === 0) merged = this.upstream[contributing[0] as number] ?? EMPTY_OUTPUTS;
    else if (contributing.length > 0) {
      const map = new Map<string, Record<string, string>>();
      for (const d of contributing) {
        for (const [name, values] of this.upstream[d] ?? EMPTY_OUTPUTS) map.set(name, values);
        if (Object.keys(own(d)).length > 0) map.set(this.state.entry(d).stage.name, own(d));
      }
      merged = map;
    }
    this.upstream[i] = merged;
    return merged;
  }

  /** What a service restart needs: the same upstream outputs its first start had. */
  upstreamFor(i: number): ReadonlyMap<string, Record<string, string>> {
    return this.upstream[i] ?? EMPTY_OUTPUTS;
  }
}

// A stage runner that threw is a bug; the stage fails with it rather than hanging the run.
function internalFailure(error: unknown, attempts: number): StageRunResult {
  return { ok: false, attempts: Math.max(1, attempts), failure: { reason: "spawn-error", message: String(error) }, error: `internal error: ${String(error)}`, tail: [], exitCode: undefined, logPath: "" };
}
