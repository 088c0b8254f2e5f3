// Reading `--output json` the way a CI tool would.
import type { EngineEvent } from "../../src/engine/events.js";

export function parseEvents(stdout: string): EngineEvent[] {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as EngineEvent);
}

export function eventsOf<T extends EngineEvent["type"]>(events: EngineEvent[], type: T, stage?: string): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type && (stage === undefined || ("stage" in e && e.stage === stage)));
}

export function finished(events: EngineEvent[]): Extract<EngineEvent, { type: "run-finished" }> {
  const last = eventsOf(events, "run-finished")[0];
  if (!last) throw new Error("no run-finished event");
  return last;
}
