// The control socket's protocol: one JSON request line from the client, one JSON reply
// line from the supervisor, then the connection closes. Text in replies (errors, health
// details) has passed the run's redactor.
import type { ControlOutcome, RunView } from "../engine/run-control.js";

export type ControlRequest =
  | { command: "status" }
  | { command: "restart"; stages: string[] }
  | { command: "stop"; stages: string[] }
  | { command: "down" };

export type ControlReply =
  | { ok: true; command: "status"; pid: number; view: RunView }
  | { ok: true; command: "restart" | "stop"; outcomes: ControlOutcome[] }
  | { ok: true; command: "down"; pid: number; runId: string }
  /** The request itself was wrong (an unknown stage): exit 2 with the hint. */
  | { ok: false; error: string; hint: string | undefined };

/** A request line longer than this is no request of ours. */
export const MAX_REQUEST_BYTES = 64 * 1024;

export function parseRequest(line: string): ControlRequest | undefined {
  try {
    const value = JSON.parse(line) as Partial<ControlRequest> & { stages?: unknown };
    const stages = Array.isArray(value.stages) && value.stages.every((s) => typeof s === "string") ? (value.stages as string[]) : undefined;
    switch (value.command) {
      case "status":
      case "down":
        return { command: value.command };
      case "restart":
      case "stop":
        return stages ? { command: value.command, stages } : undefined;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
