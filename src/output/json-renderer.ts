// `--output json`: one JSON object per line for every event, and nothing else on stdout.
// Throttled `stage-output` progress events are for the live view and are left out.
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
      case "service-restarted":
      case "service-lost":
      case "rollback-stage":
      case "process-started":
      case "service-output":
      case "health-check":
      case "attempt-failed":
      case "circuit-changed":
      case "outputs-saved":
      case "services-running":
      case "rollback-started":
      case "rollback-finished":
      case "run-finished":
        return write(JSON.stringify(event));
      default:
        return unreachable(event);
    }
  };
}
