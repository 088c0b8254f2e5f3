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
import { stageUser } from "./process/user-identity.js";
import { stageLogPath } from "./run-paths.js";
import { canTransition, type RunState, type StageEntry } from "./run-state.js";
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

// Every stage that became ready and has something to stop or undo. Stopping (Ctrl-C,
// `--check`, the end of holding services) goes in reverse dependency order: a stage is
// stopped once everything that depends on it (directly or through stages with nothing to
// stop) has been, and stages that do not depend on each other stop in parallel — a level
// of ten services takes one stop_grace, not ten. Undoing stays one at a time, newest
// first, as the contract says: a cleanup (`migrate --down`) may need what it depends on
// still running, and cleanups written for that order must get it.
export async function rollBack(options: RollbackOptions): Promise<{ failed: number }> {
  const { state } = options;
  // A stage caught mid-restart by a bug cannot move to rolled-back: its process is still
  // stopped, but it is left as it is.
  const stranded = state.readyNewestFirst().filter((entry) => !canTransition(entry.status, "rolled-back"));
  await Promise.allSettled(stranded.map((entry) => entry.service?.stop()));
  const { undo } = options;
  const items = state.readyNewestFirst().filter((entry) => canTransition(entry.status, "rolled-back") && (entry.service || (undo && entry.cleanup)));
  state.report({ type: "rollback-started", reason: options.reason, undo, stages: items.map((i) => i.stage.name) });
  let failed = 0;
  let seq = options.firstSeq ?? 0;
  const undoOne = async (entry: StageEntry): Promise<void> => {
    if ((await rollBackStage(entry, options, ++seq)) === "failed") failed++;
  };
  if (undo) for (const entry of items) await undoOne(entry);
  else await inReverseDependencyOrder(state, new Set(items.map((e) => e.index)), undoOne);
  state.report({ type: "rollback-finished", reason: options.reason, failed, skipped: options.skip.aborted });
  return { failed };
}

// Stops its service, then (when undoing) runs its cleanup; one rollback-stage event.
async function rollBackStage(entry: StageEntry, options: RollbackOptions, seq: number): Promise<"ok" | "failed" | "skipped"> {
  const started = Date.now();
  const { service, cleanup, stage } = entry;
  const action = options.undo ? "undone" : "stopped";
  if (service) await service.stop();
  // A second interrupt skips what is left to undo — never the stopping of services.
  const skipped = options.skip.aborted;
  const error = !skipped && options.undo && cleanup ? await runCleanup(stage, cleanup, options) : undefined;
  const outcome = skipped ? "skipped" : error ? "failed" : "ok";
  options.state.transition(entry.index, "rolled-back", { reason: options.reason, action, seq, outcome, durationMs: Date.now() - started, error });
  return outcome;
}

// Runs `work` on each chosen stage once all its dependents (transitively, through stages
// not chosen) are done; unrelated stages run at the same time. Built without recursion
// (Kahn's order, dependents first): a 10,000-stage chain must not blow the stack.
async function inReverseDependencyOrder(state: RunState, chosen: ReadonlySet<number>, work: (entry: StageEntry) => Promise<void>): Promise<void> {
  const byName = new Map(state.stages.map((e) => [e.stage.name, e]));
  const dependentsLeft = new Map<number, number>(state.stages.map((e) => [e.index, 0]));
  const waitsFor = new Map<number, Promise<void>[]>();
  for (const entry of state.stages)
    for (const dep of entry.stage.dependsOn) {
      const d = byName.get(dep);
      if (d) dependentsLeft.set(d.index, (dependentsLeft.get(d.index) ?? 0) + 1);
    }
  const ready = state.stages.filter((e) => dependentsLeft.get(e.index) === 0);
  const all: Promise<void>[] = [];
  while (ready.length > 0) {
    const entry = ready.pop() as StageEntry;
    const after = Promise.all(waitsFor.get(entry.index) ?? []);
    const done = after.then(() => (chosen.has(entry.index) ? work(entry) : undefined));
    all.push(done);
    for (const dep of entry.stage.dependsOn) {
      const d = byName.get(dep);
      if (!d) continue;
      const list = waitsFor.get(d.index) ?? [];
      list.push(done);
      waitsFor.set(d.index, list);
      const left = (dependentsLeft.get(d.index) ?? 1) - 1;
      dependentsLeft.set(d.index, left);
      if (left === 0) ready.push(d);
    }
  }
  await Promise.all(all);
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
    user: stageUser(stage.user),
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
