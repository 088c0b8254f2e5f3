// /metrics: the running supervisor in Prometheus text format, live from the RunState
// (`report --format prometheus` renders a finished run from the database instead).
import type { RunState, StageStatus } from "../engine/run-state.js";
import { TRANSITIONS } from "../engine/run-state.js";
import { label, metricWriter } from "../output/prometheus.js";
import { initialized } from "./health-view.js";

const STATUSES = Object.keys(TRANSITIONS) as StageStatus[];

export function renderLiveMetrics(state: RunState | undefined, name: string, startedAt: number, now = Date.now()): string {
  const { metric, text } = metricWriter();
  const base = `run_id="${label(state?.runId ?? "")}",name="${label(name)}"`;
  metric("netra_start_up", "1 while the supervisor runs.", "gauge", [[base, 1]]);
  metric("netra_start_uptime_seconds", "Time since the supervisor started the run.", "gauge", [[base, (now - startedAt) / 1000]]);
  metric("netra_start_initialized", "1 once every stage came up (the startup probe passes).", "gauge", [[base, state && initialized(state) ? 1 : 0]]);
  const entries = state?.stages ?? [];
  const stage = (e: (typeof entries)[number]) => `${base},stage="${label(e.stage.name)}",priority="${e.stage.priority}",kind="${e.stage.kind}"`;
  metric("netra_start_stage_status", "1 for the stage's current status, 0 for the others.", "gauge", entries.flatMap((e) => STATUSES.map((s): [string, number] => [`${stage(e)},status="${s}"`, e.status === s ? 1 : 0])));
  metric("netra_start_stage_attempts_total", "Attempts a stage made in this run, restarts included.", "counter", entries.map((e) => [stage(e), e.attempts]));
  metric("netra_start_stage_restarts_total", "Times a service was brought back after exiting or failing its liveness checks.", "counter", entries.map((e) => [stage(e), e.restarts]));
  return text();
}
