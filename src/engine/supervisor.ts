// Keeps services running once they are ready: a service that exits is restarted as its
// `restart` policy says (no, on-failure, always), after a backoff that resets once it
// has run healthy for a while, within its circuit breaker. While it restarts, stages
// that depend on it and have not started yet wait for it (the scheduler parks them)
// instead of failing — the pain point of compose's depends_on. A service that cannot be
// brought back is lost (failed): the run decides what that means (critical → tear down).
// Its status, restarts and process live in the RunState; this keeps only the watchers.
import type { Stage } from "../config/types.js";
import { backoffDelay } from "./backoff.js";
import { afterRun, CLOSED } from "./circuit-breaker.js";
import type { ProcessOutcome } from "./process/run-process.js";
import type { RunState } from "./run-state.js";
import type { ServiceHandle, StageRunResult } from "./stage-runner.js";
import { sleep } from "../util/sleep.js";

export interface SupervisorOptions {
  state: RunState;
  /** Runs the stage again (with its retries), attempts numbered from `firstAttempt`. */
  restart: (index: number, signal: AbortSignal, firstAttempt: number) => Promise<StageRunResult>;
  /** A service went down, came back or was lost: the scheduler may start or skip stages. */
  onChange: (index: number, lost: boolean) => void;
}

/** A service up this long has "run healthy for a while": its restart backoff starts over. */
export const HEALTHY_RESET_MS = 30_000;

export class ServiceSupervisor {
  private readonly stopping = new AbortController();
  /** Restarts under way: teardown waits for them to settle. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: SupervisorOptions) {}

  /** A service became ready: watch its process. */
  watch(index: number): void {
    const handle = this.options.state.entry(index).service;
    if (!handle) return;
    void handle.exited.then((outcome) => {
      const work = this.onExit(index, handle, outcome).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    });
  }

  /** Teardown: from now on an exit is expected, not restarted. Resolves when restarts under way have stopped. */
  async stop(): Promise<void> {
    this.stopping.abort();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async onExit(index: number, handle: ServiceHandle, outcome: ProcessOutcome): Promise<void> {
    const { state } = this.options;
    const entry = state.entry(index);
    if (this.stopping.signal.aborted || entry.service !== handle || entry.status !== "ready") return;
    const stage = entry.stage;
    const uptimeMs = Date.now() - (entry.readyAt ?? Date.now());
    const exitCode = outcome.kind === "exit" ? outcome.exitCode : null;
    const signal = outcome.kind === "signal" ? outcome.signal : null;
    const failed = !(outcome.kind === "exit" && outcome.exitCode === 0);
    const how = signal ? `killed by ${signal}` : `exit code ${exitCode}`;

    // Up long enough counts as success: backoff and circuit start over.
    const healthyLongEnough = uptimeMs >= HEALTHY_RESET_MS;
    const restarts = healthyLongEnough ? 0 : entry.restarts;
    const before = healthyLongEnough ? CLOSED : state.circuit(stage.name);
    const circuit = failed ? afterRun(before, stage.circuitBreaker, false, Date.now()) : undefined;
    if (circuit) state.setCircuit(stage, circuit, circuit.state === "open" ? "failure threshold reached" : "service exited");
    const wanted = stage.restart === "always" || (stage.restart === "on-failure" && failed);
    if (!wanted || circuit?.state === "open") {
      const why = !wanted ? `restart: ${stage.restart}` : `circuit open after ${circuit?.consecutiveFailures} consecutive failed runs`;
      return this.lose(index, stage, `service exited (${how}) and was not restarted (${why})`, exitCode ?? undefined);
    }

    const delayMs = backoffDelay(stage.backoff, restarts + 1);
    state.transition(index, "restarting", { exitCode, signal, uptimeMs, delayMs });
    this.options.onChange(index, false);
    await sleep(delayMs, this.stopping.signal);
    if (this.stopping.signal.aborted) return state.transition(index, "cancelled", { reason: "teardown while the service was restarting" });
    const result = await this.options.restart(index, this.stopping.signal, entry.attempts + 1);
    if (result.ok && !this.stopping.signal.aborted) {
      state.transition(index, "ready", { attempts: entry.attempts, outputs: result.outputs, service: result.service, cleanup: result.cleanup, logPath: result.logPath });
      this.options.onChange(index, false);
      return this.watch(index);
    }
    if (result.ok) await result.service?.stop();
    if (this.stopping.signal.aborted || (!result.ok && result.failure.reason === "cancelled")) return state.transition(index, "cancelled", { reason: "teardown while the service was restarting" });
    this.lose(index, stage, `service exited (${how}) and could not be restarted: ${result.ok ? "no process" : result.error}`, result.ok ? undefined : result.exitCode);
  }

  private lose(index: number, stage: Stage, error: string, exitCode: number | undefined): void {
    this.options.state.transition(index, "failed", { attempts: this.options.state.entry(index).attempts, error, tail: [], exitCode, reason: "lost", logPath: undefined });
    this.options.onChange(index, true);
  }
}
