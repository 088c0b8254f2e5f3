// Undo what started, newest first: stop each service's process group and run each
// stage's `cleanup`, every one attempted even when another fails, each with its own
// timeout. A second Ctrl-C skips the remaining cleanups — but services are still
// stopped: "skip the rollback" must never mean "leave processes behind".
import path from "node:path";
import type { Command, Stage } from "../config/types.js";
import { now, type EngineEvent, type RollbackReason } from "./events.js";
import { describeFailure } from "./failure.js";
import { startProcess } from "./process/run-process.js";
import { StageLog } from "./process/stage-log.js";
import type { ServiceHandle } from "./stage-runner.js";
import type { Redactor } from "../util/redact.js";

export interface RollbackItem {
  stage: Stage;
  service: ServiceHandle | undefined;
  /** The stage's cleanup, or its module's cleanup(). */
  cleanup: Command | undefined;
}

export interface RollbackOptions {
  reason: RollbackReason;
  runId: string;
  /** Newest first. */
  items: RollbackItem[];
  env: NodeJS.ProcessEnv;
  logDir: string;
  redact: Redactor | undefined;
  emit: (event: EngineEvent) => void;
  /** Aborted by a second interrupt: skip remaining cleanups. */
  skip: AbortSignal;
}

export async function rollBack(options: RollbackOptions): Promise<{ failed: number }> {
  const items = options.items.filter((item) => item.service || item.cleanup);
  options.emit({ type: "rollback-started", at: now(), reason: options.reason, stages: items.map((i) => i.stage.name) });
  let failed = 0;
  let seq = 0;
  for (const { stage, service, cleanup } of items) {
    seq++;
    const started = Date.now();
    if (options.skip.aborted) {
      if (service) await service.stop();
      options.emit({ type: "rollback-stage", at: now(), stage: stage.name, seq, status: "skipped", durationMs: Date.now() - started, error: undefined });
      continue;
    }
    const errors: string[] = [];
    if (service) await service.stop();
    if (cleanup) {
      const error = await runCleanup(stage, cleanup, options);
      if (error) errors.push(error);
    }
    if (errors.length > 0) failed++;
    options.emit({ type: "rollback-stage", at: now(), stage: stage.name, seq, status: errors.length > 0 ? "failed" : "ok", durationMs: Date.now() - started, error: errors[0] });
  }
  options.emit({ type: "rollback-finished", at: now(), reason: options.reason, failed, skipped: options.skip.aborted });
  return { failed };
}

async function runCleanup(stage: Stage, cleanup: Command, options: RollbackOptions): Promise<string | undefined> {
  const log = new StageLog(path.join(options.logDir, `${stage.name}.log`), options.redact);
  log.mark(`cleanup (${options.reason})`);
  const run = startProcess({
    command: cleanup,
    cwd: stage.cwd,
    env: {
      ...options.env,
      ...stage.env,
      NETRA_STAGE: stage.name,
      NETRA_ROLLBACK_REASON: options.reason,
      NETRA_MODULE_CONTEXT: JSON.stringify({ stage: stage.name, runId: options.runId, attempt: 0, outputs: {} }),
    },
    timeoutMs: stage.timeoutMs,
    killTimeoutMs: stage.killTimeoutMs,
    signal: options.skip,
    log,
  });
  if (run.pid !== undefined) options.emit({ type: "process-started", at: now(), stage: stage.name, attempt: 0, role: "cleanup", pgid: run.pid });
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
      return "cleanup cancelled by a second interrupt";
    case "spawn-error":
      return `cleanup could not start: ${outcome.message}`;
  }
}
