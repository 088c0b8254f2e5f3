// The redaction boundary for events: only the text that can carry a secret is masked —
// output lines, error messages, failure tails, health details, output values, notes.
// The event's own structure (its type, stage names, statuses, reasons, ids) is never
// touched: a secret that happens to equal "ready" or a stage's name must not turn an
// event into one no consumer knows, or a row the database refuses.
import type { Redactor } from "../redact/redactor.js";
import type { EngineEvent, StageResult } from "./events.js";
import type { AttemptFailure } from "./failure.js";
import { unreachable } from "./failure.js";

export function redactEvent(event: EngineEvent, redactor: Redactor): EngineEvent {
  if (!redactor.active) return event;
  const r = (text: string) => redactor.redact(text);
  const row = (result: StageResult | undefined) =>
    result === undefined ? result : { ...result, error: result.error === undefined ? undefined : r(result.error), description: result.description === undefined ? undefined : r(result.description) };
  switch (event.type) {
    case "stage-output":
    case "service-output":
      return { ...event, line: r(event.line) };
    case "stage-ready":
      return { ...event, outputs: Object.fromEntries(Object.entries(event.outputs).map(([k, v]) => [k, r(v)])), result: row(event.result) };
    case "stage-up-to-date":
      return { ...event, outputs: Object.fromEntries(Object.entries(event.outputs).map(([k, v]) => [k, r(v)])), result: row(event.result) };
    case "stage-failed":
      return { ...event, error: r(event.error), tail: event.tail.map(r), result: row(event.result) };
    case "service-lost":
      return { ...event, error: r(event.error), result: row(event.result) };
    case "attempt-failed":
      return { ...event, error: r(event.error), failure: redactFailure(event.failure, r) };
    case "health-check":
    case "service-unhealthy":
      return { ...event, detail: r(event.detail) };
    case "rollback-stage":
      return event.error === undefined ? event : { ...event, error: r(event.error) };
    case "run-started":
      return { ...event, stages: event.stages.map((s) => (s.description === undefined ? s : { ...s, description: r(s.description) })) };
    case "run-finished":
      return { ...event, results: event.results.map((x) => row(x) as StageResult), note: event.note === undefined ? undefined : r(event.note) };
    // Names, numbers and our own words only.
    case "stage-started":
    case "stage-retrying":
    case "stage-skipped":
    case "stage-cancelled":
    case "service-exited":
    case "service-restarted":
    case "process-started":
    case "circuit-changed":
    case "outputs-saved":
    case "fingerprint-saved":
    case "services-running":
    case "control-requested":
    case "fleet-waiting":
    case "rollback-started":
    case "rollback-finished":
      return event;
    default:
      return unreachable(event);
  }
}

function redactFailure(failure: AttemptFailure, r: (text: string) => string): AttemptFailure {
  switch (failure.reason) {
    case "spawn-error":
    case "module-error":
    case "output-collision":
    case "coordination":
      return { ...failure, message: r(failure.message) };
    case "health":
      return { ...failure, detail: r(failure.detail) };
    case "requires":
      return { ...failure, problems: failure.problems.map(r) };
    case "exit-non-zero":
    case "signal":
    case "timeout":
    case "exited-early":
    case "outputs-too-large":
    case "circuit-open":
    case "cancelled":
      return failure;
    default:
      return unreachable(failure);
  }
}
