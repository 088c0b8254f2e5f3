// Keeps services running once they are ready: a service that exits is restarted as its
// `restart` policy says (no, on-failure, always), after a backoff that resets once it
// has run healthy for a while, within its circuit breaker. While it restarts, stages
// that depend on it and have not started yet wait for it (the scheduler parks them)
// instead of failing — the pain point of compose's depends_on. A service that cannot be
// brought back is lost (failed): the run decides what that means (critical → tear down).
// A service that is still running but fails its liveness checks takes the same road: it
// is stopped (its stop_signal, stop_grace) and restarted, or lost when it may not be.
// Its status, restarts and process live in the RunState; this keeps only the watchers.
import { backoffDelay } from "./backoff.js";
import { afterRun, CLOSED } from "./circuit-breaker.js";
import { watchLiveness, type Unhealthy } from "./health/liveness.js";
import type { ProcessOutcome } from "./process/run-process.js";
import { stageUser } from "./process/user-identity.js";
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
  /** Processes stopped by `restart`/`stop`: their exit is no crash to restart from. */
  private readonly byHand = new WeakSet<ServiceHandle>();

  constructor(private readonly options: SupervisorOptions) {}

  /** A service became ready: watch its process, and probe its liveness. */
  watch(index: number): void {
    const handle = this.options.state.entry(index).service;
    if (!handle) return;
    void handle.exited.then((outcome) => this.track(this.onExit(index, handle, outcome)));
    if (handle.liveness) this.probe(index, handle, handle.liveness);
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  // Probing ends when the process exits (the exit path restarts it) or teardown begins.
  private probe(index: number, handle: ServiceHandle, liveness: NonNullable<ServiceHandle["liveness"]>): void {
    const { state } = this.options;
    const stage = state.entry(index).stage;
    const ended = new AbortController();
    const end = () => ended.abort();
    void handle.exited.then(end);
    this.stopping.signal.addEventListener("abort", end, { once: true });
    const watching = watchLiveness({
      check: liveness.check,
      probe: {
        cwd: liveness.cwd,
        env: liveness.env,
        signal: ended.signal,
        logMatched: () => true,
        user: stageUser(stage.user),
        onProcess: (pgid) => state.report({ type: "process-started", stage: stage.name, attempt: state.entry(index).attempts, role: "health", pgid }),
      },
      onCheck: (r) => state.report({ type: "health-check", stage: stage.name, ok: r.ok, check: r.check, maxChecks: r.maxChecks, durationMs: r.durationMs, detail: r.detail }),
    });
    void watching.then((found) => {
      this.stopping.signal.removeEventListener("abort", end);
      if (found !== "stopped") this.track(this.onUnhealthy(index, handle, found));
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
    if (this.stopping.signal.aborted || this.byHand.has(handle) || entry.service !== handle || entry.status !== "ready") return;
    const exitCode = outcome.kind === "exit" ? outcome.exitCode : null;
    const signal = outcome.kind === "signal" ? outcome.signal : null;
    const failed = !(outcome.kind === "exit" && outcome.exitCode === 0);
    const how = signal ? `killed by ${signal}` : `exit code ${exitCode}`;
    const next = this.decide(index, failed);
    if (!next.restart) return this.lose(index, `service exited (${how}) and was not restarted (${next.why})`, exitCode ?? undefined);
    state.transition(index, "restarting", { exitCode, signal, uptimeMs: next.uptimeMs, delayMs: next.delayMs });
    this.options.onChange(index, false);
    await this.bringBack(index, `service exited (${how}) and could not be restarted`, next.delayMs);
  }

  // Still running, but failing its liveness checks: out of the ready set first (dependents
  // not yet started wait from now on), then stopped, then brought back like an exit.
  private async onUnhealthy(index: number, handle: ServiceHandle, found: Unhealthy): Promise<void> {
    const { state } = this.options;
    const entry = state.entry(index);
    if (this.stopping.signal.aborted || this.byHand.has(handle) || entry.service !== handle || entry.status !== "ready") return;
    const how = `service unhealthy (${found.failures} failed liveness check${found.failures === 1 ? "" : "s"}: ${found.detail})`;
    const next = this.decide(index, true, "service unhealthy");
    if (!next.restart) {
      this.lose(index, `${how}; stopped and not restarted (${next.why})`, undefined);
      return handle.stop();
    }
    state.transition(index, "restarting", { exitCode: null, signal: null, uptimeMs: next.uptimeMs, delayMs: next.delayMs, unhealthy: found });
    this.options.onChange(index, false);
    await handle.stop();
    await this.bringBack(index, `${how} and could not be restarted`, next.delayMs);
  }

  // Restart or not, as `restart` and the circuit say; a failure counts against the circuit.
  private decide(index: number, failed: boolean, cause = "service exited"): { restart: true; delayMs: number; uptimeMs: number } | { restart: false; why: string } {
    const { state } = this.options;
    const entry = state.entry(index);
    const stage = entry.stage;
    const uptimeMs = Date.now() - (entry.readyAt ?? Date.now());
    // Up long enough counts as success: backoff and circuit start over.
    const healthyLongEnough = uptimeMs >= HEALTHY_RESET_MS;
    const restarts = healthyLongEnough ? 0 : entry.restarts;
    const before = healthyLongEnough ? CLOSED : state.circuit(stage.name);
    const circuit = failed ? afterRun(before, stage.circuitBreaker, false, Date.now()) : undefined;
    if (circuit) state.setCircuit(stage, circuit, circuit.state === "open" ? "failure threshold reached" : cause);
    const wanted = stage.restart === "always" || (stage.restart === "on-failure" && failed);
    if (!wanted) return { restart: false, why: `restart: ${stage.restart}` };
    if (circuit?.state === "open") return { restart: false, why: `circuit open after ${circuit.consecutiveFailures} consecutive failed runs` };
    return { restart: true, delayMs: backoffDelay(stage.backoff, restarts + 1), uptimeMs };
  }

  // After the backoff, the stage runs again with its retries, attempts numbered on from the
  // last; dependents waited meanwhile. Ready again (and watched), or lost saying `lostWhy`.
  private async bringBack(index: number, lostWhy: string, delayMs: number): Promise<void> {
    const { state } = this.options;
    const entry = state.entry(index);
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
    this.lose(index, `${lostWhy}: ${result.ok ? "no process" : result.error}`, result.ok ? undefined : result.exitCode);
  }

  /**
   * `netra-start restart`: a ready service is stopped (its exit is expected, not a crash)
   * and started again; a task that finished, or a stage that failed or was stopped, runs
   * again. Either way through the same path as a restart after an exit: the stage's
   * retries, backoff and circuit breaker; failing for good makes it lost, as for a crash.
   */
  restartByHand(index: number): Promise<{ ok: boolean; error?: string }> {
    // Tracked like a restart after an exit: teardown waits for it to settle.
    const work = this.restartNow(index);
    const settled = work.then(() => undefined, () => undefined).finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
    return work;
  }

  private async restartNow(index: number): Promise<{ ok: boolean; error?: string }> {
    const { state } = this.options;
    const entry = state.entry(index);
    const handle = entry.service;
    if (entry.status === "ready" && handle) {
      this.byHand.add(handle);
      const uptimeMs = Date.now() - (entry.readyAt ?? Date.now());
      await handle.stop();
      const outcome = await handle.exited;
      if (this.stopping.signal.aborted) return { ok: false, error: "the supervisor is stopping" };
      // Stopped by us: how it ended, or the SIGTERM that `stop()` sends when it ended by our hand.
      const exitCode = outcome.kind === "exit" ? outcome.exitCode : null;
      const signal = outcome.kind === "signal" ? outcome.signal : outcome.kind === "exit" ? null : "SIGTERM";
      state.transition(index, "restarting", { exitCode, signal, uptimeMs, delayMs: 0, expected: true });
      this.options.onChange(index, false);
    }
    await this.bringBack(index, "restart by hand failed", 0);
    const after = state.entry(index);
    return after.status === "ready" ? { ok: true } : { ok: false, error: after.error ?? `ended ${after.status}` };
  }

  /** `netra-start stop`: stop a ready service for good (until `restart`); it is recorded cancelled. */
  async stopByHand(index: number, reason: string): Promise<void> {
    const { state } = this.options;
    const handle = state.entry(index).service;
    if (handle) {
      this.byHand.add(handle);
      await handle.stop();
    }
    if (state.entry(index).status === "ready") state.transition(index, "cancelled", { reason });
  }

  private lose(index: number, error: string, exitCode: number | undefined): void {
    this.options.state.transition(index, "failed", { attempts: this.options.state.entry(index).attempts, error, tail: [], exitCode, reason: "lost", logPath: undefined });
    this.options.onChange(index, true);
  }
}
