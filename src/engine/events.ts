// The engine's typed event stream. RunState emits every event; the renderers (tty,
// plain, json, GitHub) and the recorder consume them, each a switch over this union that
// ends in unreachable(). Nothing in the engine prints.
import type { Priority, StageKind } from "../config/types.js";
import type { AttemptFailure } from "./failure.js";
import type { Fingerprint } from "./freshness/fingerprint.js";

/** A stage's status as the report database records it (stage_runs.status). */
export type RecordedStatus = "ready" | "failed" | "skipped" | "cancelled";
export type RunStatus = "running" | "ready" | "degraded" | "failed" | "interrupted" | "abandoned";
export type RollbackReason = "failure" | "interrupt" | "teardown" | "down";
/** What a rollback did to a stage: stopped its service only, or ran its cleanup as well. */
export type RollbackAction = "stopped" | "undone";
export type CircuitState = "closed" | "open" | "half_open";

export interface StageInfo {
  name: string;
  kind: StageKind;
  priority: Priority;
  description: string | undefined;
  dependsOn: string[];
  maxAttempts: number;
}

/** What a stage came to: its row in stage_runs, and a line of the summary. */
export interface StageResult {
  name: string;
  description: string | undefined;
  status: RecordedStatus;
  priority: Priority;
  kind: StageKind;
  attempts: number;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  durationMs: number | undefined;
  exitCode: number | undefined;
  error: string | undefined;
  logPath: string | undefined;
  /** A task with `inputs`/`creates`: why it ran ("inputs changed: a.sql") or was skipped ("up to date"). */
  why?: string;
  /** Skipped as up to date: ready without running, its recorded outputs replayed. */
  upToDate?: boolean;
}

/** One per change of a stage's status, emitted by RunState.transition() only. */
export type TransitionEvent =
  /** `why`: on the first attempt of a task with `inputs`/`creates`, why it runs. */
  | { type: "stage-started"; at: string; stage: string; attempt: number; maxAttempts: number; why?: string }
  | { type: "stage-retrying"; at: string; stage: string; nextAttempt: number; maxAttempts: number; delayMs: number }
  | { type: "stage-ready"; at: string; stage: string; attempts: number; durationMs: number; outputs: Record<string, string>; result?: StageResult }
  /** pending → ready without running: its fingerprint equals its last successful run's; `outputs` are that run's, replayed. */
  | { type: "stage-up-to-date"; at: string; stage: string; reason: string; outputs: Record<string, string>; result?: StageResult }
  | { type: "stage-failed"; at: string; stage: string; attempts: number; durationMs: number; error: string; tail: string[]; critical: boolean; exitCode: number | undefined; reason: AttemptFailure["reason"] | "lost"; result?: StageResult }
  | { type: "stage-skipped"; at: string; stage: string; reason: string; result?: StageResult }
  | { type: "stage-cancelled"; at: string; stage: string; reason: string; result?: StageResult }
  | { type: "service-exited"; at: string; stage: string; exitCode: number | null; signal: string | null; uptimeMs: number; restarting: boolean; delayMs: number }
  /** A ready service failed `failures` liveness checks in a row: it is stopped and restarted (ready → restarting). */
  | { type: "service-unhealthy"; at: string; stage: string; attempt: number; failures: number; detail: string; uptimeMs: number; restarting: true; delayMs: number }
  | { type: "service-restarted"; at: string; stage: string; restarts: number; attempts: number }
  | { type: "service-lost"; at: string; stage: string; error: string; critical: boolean; result?: StageResult }
  /** `action`: "stopped" (its service stopped, its cleanup not run) or "undone" (its cleanup run too). */
  | { type: "rollback-stage"; at: string; stage: string; seq: number; reason: RollbackReason; action: RollbackAction; status: "ok" | "failed" | "skipped"; durationMs: number; error: string | undefined };

/** Everything else that happens, reported through RunState.report(). */
export type FactEvent =
  | { type: "run-started"; at: string; runId: string; name: string; stages: StageInfo[]; concurrency: number; logDir: string }
  | { type: "process-started"; at: string; stage: string; attempt: number; role: "stage" | "cleanup" | "health"; pgid: number }
  | { type: "stage-output"; at: string; stage: string; line: string }
  | { type: "service-output"; at: string; stage: string; line: string }
  | { type: "health-check"; at: string; stage: string; ok: boolean; check: number; maxChecks: number; durationMs: number; detail: string }
  | { type: "attempt-failed"; at: string; stage: string; attempt: number; maxAttempts: number; durationMs: number; failure: AttemptFailure; error: string }
  | { type: "circuit-changed"; at: string; stage: string; from: CircuitState; to: CircuitState; consecutiveFailures: number; openedAt: string | undefined; nextTryAt: string | undefined; why: string }
  | { type: "outputs-saved"; at: string; stage: string; file: string; keys: string[]; secretKeys: string[] }
  /** A task with `inputs`/`creates` succeeded: what the next run compares against (hashes only, no values). */
  | { type: "fingerprint-saved"; at: string; stage: string; fingerprint: Fingerprint; outputKeys: string[] }
  | { type: "services-running"; at: string; stages: string[] }
  /** `netra-start restart`/`stop` (or a restarted dependency) asked the running supervisor to act on a stage; `by` says who. */
  | { type: "control-requested"; at: string; stage: string; action: "restart" | "stop"; by: string }
  /** A `once: fleet` stage waits for the host that holds it (docs/fleet.md). */
  | { type: "fleet-waiting"; at: string; stage: string; holder: string; scope: string }
  /** `undo`: cleanups run (a failed run, `down --undo`); else services are only stopped. */
  | { type: "rollback-started"; at: string; reason: RollbackReason; undo: boolean; stages: string[] }
  | { type: "rollback-finished"; at: string; reason: RollbackReason; failed: number; skipped: boolean }
  | { type: "run-finished"; at: string; runId: string; status: RunStatus; exitCode: number; durationMs: number; results: StageResult[]; rolledBack: boolean; note: string | undefined };

export type EngineEvent = TransitionEvent | FactEvent;

type WithoutAt<T> = T extends unknown ? Omit<T, "at"> : never;
/** A fact as its reporter gives it: RunState stamps the time. */
export type Fact = WithoutAt<FactEvent>;
