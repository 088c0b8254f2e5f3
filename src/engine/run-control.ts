// What a running supervisor answers and does for `netra-start status|restart|stop|down`
// (through the control socket): a view of the one RunState, and entry points that move
// stages only through it (the service supervisor's restart and stop). Nothing here keeps
// a copy of any stage's status.
import type { StageKind } from "../config/types.js";
import type { RunStatus, StageResult } from "./events.js";
import type { StageStatus } from "./run-state.js";

export type RunPhase = "starting" | "running" | "stopping";

/** One stage as `status` shows it. */
export interface StageView {
  name: string;
  kind: StageKind;
  status: StageStatus;
  /** The service's process (its group id too), while it runs. */
  pid: number | undefined;
  health: { ok: boolean; detail: string; at: string } | undefined;
  /** Since the service (or task) was last ready, while it is. */
  uptimeMs: number | undefined;
  restarts: number;
  attempts: number;
  lastError: string | undefined;
}

export interface RunView {
  runId: string;
  phase: RunPhase;
  stages: StageView[];
}

export type ControlOutcome = { stage: string; ok: true; detail: string } | { stage: string; ok: false; error: string };

export interface RunControl {
  view(): RunView;
  /** How the run stands now, as its end would record it: what `up --detach` prints once ready. */
  outcome(): { status: RunStatus; results: StageResult[] };
  /** Restart (services) or run again (tasks), then the dependents whose edge asks for it. */
  restart(names: readonly string[], by: string): Promise<ControlOutcome[]>;
  /** Stop services for good (until `restart`). */
  stop(names: readonly string[], by: string): Promise<ControlOutcome[]>;
  /** `down`: end the run as `up --check` does after ready: stop everything, undo nothing. */
  release(): void;
}

/** A control request can act only once startup is over, and never while stopping. */
export function refusal(phase: RunPhase): string | undefined {
  switch (phase) {
    case "starting":
      return "the run is still starting up; try again once `netra-start status` shows it running";
    case "stopping":
      return "the run is stopping";
    case "running":
      return undefined;
  }
}
