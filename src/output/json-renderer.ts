// `--output json`: one JSON object per line for every event, and nothing else on stdout.
// Throttled `stage-output` progress events are for the live view and are left out.
// JSON already escapes control characters; what a line reader could still act on is
// escaped as well, losslessly (a JSON parser reads back the same text): the line
// separators U+2028/U+2029, and `##[`, which the GitHub Actions runner obeys anywhere in a
// line as a workflow command (`##[add-mask]…`).
import type { EngineEvent } from "../engine/events.js";
import { unreachable } from "../engine/failure.js";

export function createJsonRenderer(write: (line: string) => void): (event: EngineEvent) => void {
  return (event) => {
    switch (event.type) {
      case "stage-output":
        return;
      case "run-started":
      case "stage-started":
      case "stage-retrying":
      case "stage-ready":
      case "stage-failed":
      case "stage-skipped":
      case "stage-cancelled":
      case "service-exited":
      case "service-unhealthy":
      case "service-restarted":
      case "service-lost":
      case "rollback-stage":
      case "process-started":
      case "service-output":
      case "health-check":
      case "attempt-failed":
      case "circuit-changed":
      case "outputs-saved":
      case "stage-up-to-date":
      case "fingerprint-saved":
      case "services-running":
      case "control-requested":
      case "fleet-waiting":
      case "rollback-started":
      case "rollback-finished":
      case "run-finished":
        return write(jsonLine(event));
      default:
        return unreachable(event);
    }
  };
}

export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029").replace(/##\[/g, "#\\u0023[");
}
