// Keeps services running once they are ready: a service that exits is restarted as its
// `restart` policy says (no, on-failure, always), after a backoff that resets once it
// has run healthy for a while, within its circuit breaker. While it restarts, stages
// that depend on it and have not started yet wait for it (the scheduler parks them)
// instead of failing — the pain point of compose's depends_on. A service that cannot be
// brought back is "lost": the run decides what that means (critical → tear down).
import type { Stage } from "../config/types.js";
import { backoffDelay } from "./backoff.js";
import { afterAttempt, CLOSED, type CircuitStore } from "./circuit-breaker.js";
import { now, type EngineEvent } from "./events.js";
import type { ProcessOutcome } from "./process/run-process.js";
import type { ServiceHandle, StageRunResult } from "./stage-runner.js";
import { sleep } from "../util/sleep.js";

export interface SupervisorOptions {
  stages: Stage[];
  emit: (event: EngineEvent) => void;
  circuits: CircuitStore;
  /** Runs the stage again (with its retries), attempts numbered from `firstAttempt`. */
  restart: (index: number, signal: AbortSignal, firstAttempt: number) => Promise<StageRunResult>;
  onDown: (index: number) => void;
  onUp: (index: number, handle: ServiceHandle, attempts: number) => void;
  onLost: (index: number, error: string) => void;
}

/** A service up this long has "run healthy for a while": its restart backoff starts over. */
export const HEALTHY_RESET_MS = 30_000;

interface Watched {
  handle: ServiceHandle;
  readyAt: number;
  restarts: number;
  attempts: number;
}

export class ServiceSupervisor {
  private readonly watched = new Map<number, Watched>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: SupervisorOptions) {}

  /** A service became ready (first start, or after a restart). */
  watch(index: number, handle: ServiceHandle, attempts: number, restarts = 0): void {
    const entry: Watched = { handle, readyAt: Date.now(), restarts, attempts };
    this.watched.set(index, entry);
    void handle.exited.then((outcome) => this.onExit(index, entry, outcome));
  }

  /** Teardown: from now on an exit is expected, not restarted. */
  stop(): void {
    this.stopping.abort();
  }

  private async onExit(index: number, entry: Watched, outcome: ProcessOutcome): Promise<void> {
    if (this.stopping.signal.aborted || this.watched.get(index) !== entry) return;
    const stage = this.options.stages[index] as Stage;
    const uptimeMs = Date.now() - entry.readyAt;
    const exitCode = outcome.kind === "exit" ? outcome.exitCode : null;
    const signal = outcome.kind === "signal" ? outcome.signal : null;
    const failed = !(outcome.kind === "exit" && outcome.exitCode === 0);
    const how = signal ? `killed by ${signal}` : `exit code ${exitCode}`;

    // Up long enough counts as success: backoff and circuit start over.
    const healthyLongEnough = uptimeMs >= HEALTHY_RESET_MS;
    const restarts = healthyLongEnough ? 0 : entry.restarts;
    const before = healthyLongEnough ? CLOSED : this.options.circuits.get(stage.name);
    const circuit = failed ? afterAttempt(before, stage.circuitBreaker, false, Date.now()) : undefined;
    if (circuit) this.options.circuits.set(stage.name, circuit);
    const wanted = stage.restart === "always" || (stage.restart === "on-failure" && failed);
    if (!wanted || circuit?.state === "open") {
      const why = !wanted ? `restart: ${stage.restart}` : `circuit open after ${circuit?.consecutiveFailures} consecutive failures`;
      this.options.emit({ type: "service-exited", at: now(), stage: stage.name, exitCode, signal, uptimeMs, restarting: false, delayMs: 0 });
      this.watched.delete(index);
      return this.options.onLost(index, `service exited (${how}) and was not restarted (${why})`);
    }

    const delayMs = backoffDelay(stage.backoff, restarts + 1);
    this.options.emit({ type: "service-exited", at: now(), stage: stage.name, exitCode, signal, uptimeMs, restarting: true, delayMs });
    this.options.onDown(index);
    await sleep(delayMs, this.stopping.signal);
    if (this.stopping.signal.aborted) return;
    const result = await this.options.restart(index, this.stopping.signal, entry.attempts + 1);
    if (this.stopping.signal.aborted) {
      if (result.ok) await result.service?.stop();
      return;
    }
    if (!result.ok || !result.service) {
      this.watched.delete(index);
      return this.options.onLost(index, `service exited (${how}) and could not be restarted: ${result.ok ? "no process" : result.error}`);
    }
    const attempts = entry.attempts + result.attempts;
    this.options.emit({ type: "service-restarted", at: now(), stage: stage.name, restarts: restarts + 1, attempts });
    this.options.onUp(index, result.service, attempts);
    this.watch(index, result.service, attempts, restarts + 1);
  }
}
