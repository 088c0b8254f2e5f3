// The circuit breaker's decisions, apart from where its state is kept: consecutive
// failed *runs* of a stage are counted across runs — a run in which it failed after all
// its retries counts once, so retries alone never open it and fixing the cause is not
// followed by minutes of "circuit open". At `threshold` the circuit opens and the stage
// fails at once for `recovery`; then one half-open trial decides. A service that exits
// after it was ready counts as one failed run of it.
import type { CircuitBreaker } from "../config/types.js";
import type { CircuitState } from "./events.js";

export interface CircuitRecord {
  state: CircuitState;
  consecutiveFailures: number;
  /** Epoch ms when the circuit opened; undefined unless open or half-open. */
  openedAt: number | undefined;
}

export const CLOSED: CircuitRecord = { state: "closed", consecutiveFailures: 0, openedAt: undefined };

export type Admission = { run: true; trial: boolean } | { run: false; until: number };

// Before a stage runs: an open circuit refuses until `recovery` has passed, then lets one
// trial attempt through.
export function admit(record: CircuitRecord, breaker: CircuitBreaker, nowMs: number): Admission {
  if (record.state === "closed") return { run: true, trial: false };
  const until = (record.openedAt ?? nowMs) + breaker.recoveryMs;
  if (record.state === "open" && nowMs < until) return { run: false, until };
  return { run: true, trial: true };
}

// After a run of the stage (or a service's exit): success closes the circuit; a failure
// counts, and opens it at the threshold — at once when it was the half-open trial.
export function afterRun(record: CircuitRecord, breaker: CircuitBreaker, ok: boolean, nowMs: number): CircuitRecord {
  if (ok) return CLOSED;
  const consecutiveFailures = record.consecutiveFailures + 1;
  if (record.state !== "closed" || consecutiveFailures >= breaker.threshold) return { state: "open", consecutiveFailures, openedAt: nowMs };
  return { state: "closed", consecutiveFailures, openedAt: undefined };
}
