// Stop what started, newest first, and — when undoing — run each stage's `cleanup`, every
// one attempted even when another fails, each with its own timeout. Stopping is not
// undoing: Ctrl-C, `--check` and a plain `down` stop services and keep what init stages
// did (a `cleanup` such as `migrate --down` destroys data); only the rollback of a failed
// run and `down --undo` run the cleanups. A second Ctrl-C skips the remaining cleanups —
// but services are still stopped: "skip the rollback" must never mean "leave processes
// behind".
import type { Command, Stage } from "../config/types.js";
import type { RollbackReason } from "./events.js";
import { describeFailure } from "./failure.js";
import { startProcess } from "./process/run-process.js";
import { StageLog } from "./process/stage-log.js";
import { stageLogPath } from "./run-paths.js";
import { canTransition, type RunState } from "./run-state.js";
import type { Redactor } from "../redact/redactor.js";

export interface RollbackOptions {
  state: RunState;
  reason: RollbackReason;
  /** Run the cleanups too (a failed run, `down --undo`); otherwise only stop services. */
  undo: boolean;
  env: NodeJS.ProcessEnv;
  logDir: string;
  redactor: Redactor;
  /** Aborted by a second interrupt: skip remaining cleanups. */
  skip: AbortSignal;
  /** `down` numbers its rollbacks after those already recorded for the run. */
  firstSeq?: number;
}

// Every stage that became ready, newest first, that has something to stop or undo.
export async function rollBack(options: RollbackOptions): Promise<{ failed: number }> {
  const { state } = options;
  // A stage caught mid-restart by a bug cannot move to rolled-back: its process is still
  // stopped, but it is left as it is.
  const stranded = state.readyNewestFirst().filter((entry) => !canTransition(entry.status, "rolled-back"));
  await Promise.allSettled(stranded.map((entry) => entry.service?.stop()));
  const { undo } = options;
  const action = undo ? "undone" : "stopped";
  const items = state.readyNewestFirst().filter((entry) => canTransition(entry.status, "rolled-back") && (entry.service || (undo && entry.cleanup)));
  state.report({ type: "rollback-started", reason: options.reason, undo, stages: items.map((i) => i.stage.name) });
  let failed = 0;
  let seq = options.firstSeq ?? 0;
  for (const entry of items) {
    seq++;
    const started = Date.now();
    const { service, cleanup, stage } = entry;
    if (options.skip.aborted) {
      if (service) await service.stop();
      state.transition(entry.index, "rolled-back", { reason: options.reason, action, seq, outcome: "skipped", durationMs: Date.now() - started, error: undefined });
      continue;
    }
    if (service) await service.stop();
    const error = undo && cleanup ? await runCleanup(stage, cleanup, options) : undefined;
    if (error) failed++;
    state.transition(entry.index, "rolled-back", { reason: options.reason, action, seq, outcome: error ? "failed" : "ok", durationMs: Date.now() - started, error });
  }
  state.report({ type: "rollback-finished", reason: options.reason, failed, skipped: options.skip.aborted });
  return { failed };
}

async function runCleanup(stage: Stage, cleanup: Command, options: RollbackOptions): Promise<string | undefined> {
  const log = new StageLog(stageLogPath(options.logDir, stage.name), options.redactor);
  log.mark(`cleanup (${options.reason})`);
  const run = startProcess({
    command: cleanup,
    cwd: stage.cwd,
    env: {
      ...options.env,
      ...stage.env,
      NETRA_STAGE: stage.name,
      NETRA_ROLLBACK_REASON: options.reason,
      NETRA_MODULE_CONTEXT: JSON.stringify({ stage: stage.name, runId: options.state.runId, attempt: 0, outputs: {} }),
    },
    timeoutMs: stage.timeoutMs,
    killTimeoutMs: stage.killTimeoutMs,
    signal: options.skip,
    log,
    redactor: options.redactor,
  });
  if (run.pid !== undefined) options.state.report({ type: "process-started", stage: stage.name, attempt: 0, role: "cleanup", pgid: run.pid });
  const outcome = await run.outcome;
  log.close();
  switch (outcome.kind) {
    case "exit":
      return outcome.exitCode === 0 ? undefined : `cleanup failed: ${describeFailure({ reason: "exit-non-zero", exitCode: outcome.exitCode })}`;
    case "timeout":
      return `cleanup timed out after ${stage.timeoutMs}ms`;
    case "signal":
      return `cleanup killed by ${outcome.signal}`;
    case "cancelled":
      return options.reason === "down" ? "cleanup cancelled: interrupted" : "cleanup cancelled by a second interrupt";
    case "spawn-error":
      return `cleanup could not start: ${outcome.message}`;
  }
}
