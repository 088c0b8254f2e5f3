import { describeOutputsTooLarge } from "./output-limits.js";

// Why an attempt failed: a tagged union, never an exception. Every consumer switches on
// `reason`, and `unreachable` makes a new reason a compile error until each one handles it.
import { oneLine } from "../util/visible-text.js";

export type AttemptFailure =
  | { reason: "exit-non-zero"; exitCode: number }
  | { reason: "signal"; signal: string }
  | { reason: "timeout"; timeoutMs: number }
  | { reason: "spawn-error"; message: string }
  | { reason: "requires"; problems: string[]; retryable: boolean }
  | { reason: "health"; detail: string; checks: number }
  | { reason: "exited-early"; exitCode: number | null; signal: string | null }
  | { reason: "module-error"; message: string }
  /** key null: the stage's outputs together (or its outputs file) are too large. */
  | { reason: "outputs-too-large"; stage: string; key: string | null; variable: string | null; bytes: number; limitBytes: number }
  | { reason: "output-collision"; message: string }
  | { reason: "circuit-open"; until: string; reset: string | undefined }
  /** `once: fleet`: the coordination database failed us, or the fleet's holder failed the stage. */
  | { reason: "coordination"; message: string }
  | { reason: "cancelled" };

export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}

// sh exits 126/127 for "not executable"/"not found": say so instead of a bare number.
const SHELL_EXIT_MEANING: Record<number, string> = { 126: "command not executable (permission denied?)", 127: "command not found" };

/** The attempt's `error`: one line, whatever the stage put in its messages. */
export function describeFailure(failure: AttemptFailure): string {
  return oneLine(describe(failure));
}

function describe(failure: AttemptFailure): string {
  switch (failure.reason) {
    case "exit-non-zero": {
      const meaning = SHELL_EXIT_MEANING[failure.exitCode];
      return `exit code ${failure.exitCode}${meaning ? ` (${meaning})` : ""}`;
    }
    case "signal":
      return `killed by ${failure.signal}`;
    case "timeout":
      return `timed out after ${formatMs(failure.timeoutMs)}`;
    case "spawn-error":
      return failure.message;
    case "requires":
      return `requirements not met: ${failure.problems.join("; ")}`;
    case "health":
      return `health check never passed after ${failure.checks} check${failure.checks === 1 ? "" : "s"}: ${failure.detail}`;
    case "exited-early":
      return `exited before it was ready (${failure.signal ? `signal ${failure.signal}` : `exit code ${failure.exitCode}`})`;
    case "module-error":
    case "output-collision":
    case "coordination":
      return failure.message;
    case "outputs-too-large":
      return describeOutputsTooLarge(failure);
    case "circuit-open":
      return `circuit open, next try after ${failure.until}${failure.reset ? ` (to try now: ${failure.reset})` : ""}`;
    case "cancelled":
      return "cancelled";
    default:
      return unreachable(failure);
  }
}

/** A failure that retrying cannot fix (a missing env var will still be missing; a stage
 *  that printed 5 MiB of output will print them again). */
export function isRetryable(failure: AttemptFailure): boolean {
  if (failure.reason === "requires") return failure.retryable;
  // The same command writes the same keys again.
  // A coordination failure was already waited for (or is the holder's own result).
  return failure.reason !== "cancelled" && failure.reason !== "circuit-open" && failure.reason !== "coordination" && failure.reason !== "outputs-too-large" && failure.reason !== "output-collision";
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${+(ms / 1000).toFixed(1)}s`;
}
