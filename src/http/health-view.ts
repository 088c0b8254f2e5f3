// What the health endpoint says, read from the run's one RunState (no copy of it): the
// three Kubernetes probes and the JSON body of /health/startup. Pure: text that may hold
// a secret (errors, descriptions) passes the run's redactor on its way out.
import type { RunState, StageEntry } from "../engine/run-state.js";

export type Probe = "startup" | "live" | "ready";

export interface StageView {
  name: string;
  kind: string;
  priority: string;
  status: string;
  attempts: number;
  restarts: number;
  durationMs: number | null;
  lastError: string | null;
}

export interface StartupView {
  initialized: boolean;
  /** `starting` until every stage has come to something, `stopping` once the run stops; else the run's status. */
  status: string;
  runId: string;
  stages: StageView[];
  metrics: { stages: number; ready: number; failed: number; skipped: number; starting: number; restarting: number; attempts: number; restarts: number; uptimeMs: number };
}

// A stage has come to something once it was ready, or failed, was skipped or cancelled.
function settled(e: StageEntry): boolean {
  return e.everReady || e.status === "failed" || e.status === "skipped" || e.status === "cancelled" || e.status === "rolled-back";
}

/** Startup is over and went well: every stage settled, nothing critical failed, not stopping. */
export function initialized(state: RunState): boolean {
  if (state.stopped || !state.stages.every(settled)) return false;
  const status = state.runStatus();
  return status === "ready" || status === "degraded";
}

// startup: the graph came up (Kubernetes holds the other probes until it passes).
// live: the supervisor runs and is not tearing down. ready: started, and no service is
// down (restarting) right now — traffic should wait through a restart.
export function probeOk(state: RunState | undefined, probe: Probe): boolean {
  if (!state) return probe === "live";
  switch (probe) {
    case "startup":
      return initialized(state);
    case "live":
      return !state.stopped;
    case "ready":
      return initialized(state) && !state.stages.some((e) => state.isDown(e.index) || e.status === "restarting");
  }
}

export function startupView(state: RunState, startedAt: number, redact: (text: string) => string, now = Date.now()): StartupView {
  const entries = state.stages;
  const init = initialized(state);
  const stages = entries.map((e) => ({
    name: e.stage.name,
    kind: e.stage.kind,
    priority: e.stage.priority,
    status: e.status,
    attempts: e.attempts,
    restarts: e.restarts,
    durationMs: e.startedAt === undefined ? null : (e.finishedAt ?? now) - e.startedAt,
    lastError: e.error === undefined ? null : redact(e.error),
  }));
  const count = (pred: (e: StageEntry) => boolean) => entries.filter(pred).length;
  return {
    initialized: init,
    status: state.stopped ? "stopping" : init ? state.runStatus() : "starting",
    runId: state.runId,
    stages,
    metrics: {
      stages: entries.length,
      ready: count((e) => e.status === "ready"),
      failed: count((e) => e.status === "failed"),
      skipped: count((e) => e.status === "skipped"),
      starting: count((e) => !e.everReady && (e.status === "pending" || e.status === "running" || e.status === "retrying")),
      restarting: count((e) => state.isDown(e.index) || e.status === "restarting"),
      attempts: entries.reduce((n, e) => n + e.attempts, 0),
      restarts: entries.reduce((n, e) => n + e.restarts, 0),
      uptimeMs: now - startedAt,
    },
  };
}
