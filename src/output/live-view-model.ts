// What the live view knows, kept so that every event costs O(1) and every frame costs
// O(what is on screen), whatever the size of the graph: the stages that are running or
// waiting to retry (in the order they started), the ones still waiting to start (in
// config order), counts per phase, and the permanent lines not yet printed. Pure: no
// terminal, no timers, the time is passed in. The tty renderer turns events into calls
// here and draws what `activeStages()`, `counts` and `takePermanent()` give.

/** Where a stage is, as the live view shows it (the engine's own status lives in RunState). */
export type LivePhase = "waiting" | "running" | "retrying" | "ready" | "failed" | "skipped" | "cancelled";

/** A line (or block) printed once above the live region, in the order things happened. */
export type Permanent =
  | { kind: "ready"; name: string; durationMs: number; attempts: number }
  | { kind: "failed"; name: string; attempts: number; critical: boolean; error: string; tail: readonly string[]; hint: string | undefined }
  | { kind: "skipped"; name: string; reason: string }
  | { kind: "cancelled"; name: string; reason: string }
  | { kind: "text"; line: string };

export interface ActiveStage {
  readonly name: string;
  readonly phase: "running" | "retrying";
  /** When its first attempt started: the elapsed time shown. */
  readonly startedAt: number;
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Its latest output line, health wait or failed attempt. */
  readonly detail: string | undefined;
  /** Retrying: when the next attempt is due, and which one it is. */
  readonly retryAt: number | undefined;
  readonly nextAttempt: number | undefined;
}

interface StageState {
  name: string;
  phase: LivePhase;
  startedAt: number | undefined;
  attempt: number;
  maxAttempts: number;
  detail: string | undefined;
  retryAt: number | undefined;
  nextAttempt: number | undefined;
}

const PHASES: readonly LivePhase[] = ["waiting", "running", "retrying", "ready", "failed", "skipped", "cancelled"];

export class LiveViewModel {
  private readonly stages = new Map<string, StageState>();
  /** Not started yet, in config order (a Set keeps insertion order, deletes in O(1)). */
  private readonly waiting = new Set<string>();
  /** Running or retrying, in the order they (re)started. */
  private readonly active = new Map<string, StageState>();
  private readonly count = Object.fromEntries(PHASES.map((s) => [s, 0])) as Record<LivePhase, number>;
  private queue: Permanent[] = [];

  /** The run's stages, all waiting. Stages already known (a second run-started) are left as they are. */
  plan(names: readonly string[]): void {
    for (const name of names) if (!this.stages.has(name)) this.add(name);
  }

  get total(): number {
    return this.stages.size;
  }

  counts(): Readonly<Record<LivePhase, number>> {
    return this.count;
  }

  /** The first `n` stages still waiting, in config order. */
  waitingNames(n: number): string[] {
    const names: string[] = [];
    for (const name of this.waiting) {
      if (names.length >= n) break;
      names.push(name);
    }
    return names;
  }

  activeStages(): IterableIterator<ActiveStage> {
    return this.active.values() as IterableIterator<ActiveStage>;
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** An attempt started: a new stage, a retry, or a service coming back. */
  started(name: string, attempt: number, maxAttempts: number, now: number): void {
    const stage = this.stage(name);
    // A retry goes on counting from the first attempt; a service coming back starts over.
    if (stage.phase !== "running" && stage.phase !== "retrying") stage.startedAt = now;
    Object.assign(stage, { attempt, maxAttempts, detail: undefined, retryAt: undefined, nextAttempt: undefined });
    this.move(stage, "running");
  }

  /** Its latest output line, a health wait, a failed attempt: only while it is running. */
  detail(name: string, text: string): void {
    const stage = this.active.get(name);
    if (stage) stage.detail = text;
  }

  retrying(name: string, nextAttempt: number, maxAttempts: number, delayMs: number, now: number): void {
    const stage = this.stage(name);
    stage.startedAt ??= now;
    Object.assign(stage, { retryAt: now + delayMs, nextAttempt, maxAttempts });
    this.move(stage, "retrying");
  }

  ready(name: string, durationMs: number, attempts: number): void {
    this.finish(name, "ready", { kind: "ready", name, durationMs, attempts });
  }

  failed(name: string, failure: Omit<Extract<Permanent, { kind: "failed" }>, "kind" | "name">): void {
    this.finish(name, "failed", { kind: "failed", name, ...failure });
  }

  skipped(name: string, reason: string): void {
    this.finish(name, "skipped", { kind: "skipped", name, reason });
  }

  cancelled(name: string, reason: string): void {
    this.finish(name, "cancelled", { kind: "cancelled", name, reason });
  }

  /** Leaves the live region without a line of its own (a service back up, or lost: the text says it). */
  settle(name: string, phase: "ready" | "failed"): void {
    const stage = this.stages.get(name);
    if (stage) this.move(stage, phase);
  }

  /** A line printed as it is (service output, rollback, a service's exit). */
  print(line: string): void {
    this.queue.push({ kind: "text", line });
  }

  /** The permanent lines not printed yet, oldest first; the queue is empty afterwards. */
  takePermanent(): Permanent[] {
    const taken = this.queue;
    this.queue = [];
    return taken;
  }

  get hasPermanent(): boolean {
    return this.queue.length > 0;
  }

  private finish(name: string, phase: LivePhase, line: Permanent): void {
    this.move(this.stage(name), phase);
    this.queue.push(line);
  }

  // A stage no event announced (not in run-started): it is added rather than refused.
  private stage(name: string): StageState {
    return this.stages.get(name) ?? this.add(name);
  }

  private add(name: string): StageState {
    const stage: StageState = { name, phase: "waiting", startedAt: undefined, attempt: 0, maxAttempts: 1, detail: undefined, retryAt: undefined, nextAttempt: undefined };
    this.stages.set(name, stage);
    this.waiting.add(name);
    this.count.waiting++;
    return stage;
  }

  private move(stage: StageState, to: LivePhase): void {
    const from = stage.phase;
    this.count[from]--;
    this.count[to]++;
    stage.phase = to;
    if (from === "waiting") this.waiting.delete(stage.name);
    if (to === "running" || to === "retrying") this.active.set(stage.name, stage);
    else this.active.delete(stage.name);
  }
}
