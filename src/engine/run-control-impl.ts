// The running supervisor's side of `status`, `restart`, `stop` and `down`: answers from
// the one RunState, acts through the service supervisor (whose transitions go through
// `RunState.transition()`), one stage at a time so two requests cannot race on a stage.
import type { Plan } from "../graph/plan.js";
import { dependentsToRestart } from "./restart-dependents.js";
import { refusal, type ControlOutcome, type RunControl, type RunPhase, type StageView } from "./run-control.js";
import type { RunState, StageEntry } from "./run-state.js";
import type { ServiceSupervisor } from "./supervisor.js";

export interface RunControlParts {
  state: RunState;
  plan: Plan;
  phase: RunPhase;
  /** Exists once the run has started its scheduler. */
  supervisor: ServiceSupervisor | undefined;
  release: () => void;
}

export function createRunControl(parts: RunControlParts): RunControl {
  const { state } = parts;
  // Requests act one after another: a restart and a stop of one stage never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const refused = (names: readonly string[]): ControlOutcome[] | undefined => {
    const why = refusal(parts.phase) ?? (parts.supervisor ? undefined : "the run has not started yet");
    return why === undefined ? undefined : names.map((stage) => ({ stage, ok: false, error: why }));
  };

  return {
    outcome: () => ({ status: state.runStatus(), results: state.results() }),
    view: () => ({ runId: state.runId, phase: parts.phase, stages: state.stages.map((e) => viewOf(e, Date.now())) }),

    restart: (names, by) =>
      serially(async () => {
        const supervisor = parts.supervisor;
        const no = refused(names);
        if (no || !supervisor) return no ?? [];
        const outcomes: ControlOutcome[] = [];
        // One stage through the restart path; what became of it, as the command reports it.
        const restartOne = async (index: number): Promise<ControlOutcome> => {
          const result = await supervisor.restartByHand(index);
          const after = state.entry(index);
          return result.ok ? { stage: after.stage.name, ok: true, detail: describeReady(after) } : { stage: after.stage.name, ok: false, error: result.error ?? "not ready" };
        };
        for (const name of names) {
          const entry = state.named(name);
          if (!entry) continue; // names are checked against the config before they get here
          const why = notRestartable(entry);
          if (why) {
            outcomes.push({ stage: name, ok: false, error: why });
            continue;
          }
          state.report({ type: "control-requested", stage: name, action: "restart", by });
          const outcome = await restartOne(entry.index);
          outcomes.push(outcome);
          if (!outcome.ok || parts.phase !== "running") continue;
          // Dependents whose depends_on edge says `restart: true` follow their dependency.
          for (const dependent of dependentsToRestart(parts.plan, entry.index)) {
            const d = state.entry(dependent);
            if (notRestartable(d)) continue;
            state.report({ type: "control-requested", stage: d.stage.name, action: "restart", by: `its dependency ${name} restarting` });
            outcomes.push(await restartOne(dependent));
          }
        }
        return outcomes;
      }),

    stop: (names, by) =>
      serially(async () => {
        const supervisor = parts.supervisor;
        const no = refused(names);
        if (no || !supervisor) return no ?? [];
        const outcomes: ControlOutcome[] = [];
        for (const name of names) {
          const entry = state.named(name);
          if (!entry) continue;
          if (entry.status !== "ready" || !entry.service) {
            outcomes.push({ stage: name, ok: false, error: entry.stage.kind === "task" ? "is a task: there is nothing running to stop" : `is not running (${entry.status})` });
            continue;
          }
          state.report({ type: "control-requested", stage: name, action: "stop", by });
          await supervisor.stopByHand(entry.index, `stopped by ${by}`);
          outcomes.push({ stage: name, ok: true, detail: "stopped" });
        }
        return outcomes;
      }),

    release: () => parts.release(),
  };
}

// A stage mid-attempt or mid-restart is already on its way: restarting it again would race.
function notRestartable(entry: StageEntry): string | undefined {
  switch (entry.status) {
    case "ready":
    case "failed":
    case "cancelled":
      return undefined;
    case "pending":
    case "skipped":
      return `was never started in this run (${entry.status}): start it with \`netra-start up\``;
    case "running":
    case "retrying":
    case "restarting":
      return `is ${entry.status} already`;
    case "rolled-back":
      return "was stopped by the teardown";
  }
}

function describeReady(entry: StageEntry): string {
  return entry.service?.pid !== undefined ? `ready (pid ${entry.service.pid})` : "ready";
}

function viewOf(e: StageEntry, now: number): StageView {
  const up = e.status === "ready";
  return {
    name: e.stage.name,
    kind: e.stage.kind,
    status: e.status,
    pid: e.service?.pid,
    // A probe result says something only while the stage is up or on its way up.
    health: e.status === "ready" || e.status === "running" || e.status === "retrying" || e.status === "restarting" ? e.lastHealth : undefined,
    uptimeMs: up && e.readyAt !== undefined ? now - e.readyAt : undefined,
    restarts: e.restarts,
    attempts: e.attempts,
    lastError: e.lastError,
  };
}
