// `--output json`: one JSON object per line for every event, and nothing else on stdout.
// Throttled `stage-output` progress events are for the live view and are left out.
import type { EngineEvent } from "../engine/events.js";

export function createJsonRenderer(write: (line: string) => void): (event: EngineEvent) => void {
  return (event) => {
    switch (event.type) {
      case "stage-output":
        return;
      default:
        return write(JSON.stringify(event));
    }
  };
}
