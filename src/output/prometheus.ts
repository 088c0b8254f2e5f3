// Prometheus text exposition format (version 0.0.4) for one run: what a node_exporter
// textfile collector or a push gateway takes. Each metric has HELP and TYPE lines;
// label values are escaped as the format requires.
import type { RunDetails } from "../store/queries.js";

export function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

const STAGE_STATUSES = ["ready", "failed", "skipped", "cancelled"] as const;
const RUN_STATUSES = ["running", "ready", "degraded", "failed", "interrupted", "abandoned"] as const;

/** Collects metrics, each with its HELP and TYPE lines; `text()` is the exposition. */
export function metricWriter(): { metric: (name: string, help: string, type: "gauge" | "counter", samples: [string, number][]) => void; text: () => string } {
  const out: string[] = [];
  return {
    metric(name, help, type, samples) {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) out.push(`${name}{${labels}} ${Number.isFinite(value) ? value : 0}`);
    },
    text: () => `${out.join("\n")}\n`,
  };
}

export function renderPrometheus(details: RunDetails): string {
  const { run, stages } = details;
  const base = `run_id="${label(run.id)}",name="${label(run.name)}"`;
  const { metric, text } = metricWriter();
  const stageLabels = (s: (typeof stages)[number]) => `${base},stage="${label(s.stage)}",priority="${label(s.priority)}",kind="${label(s.kind)}"`;
  metric("netra_start_run_duration_seconds", "Wall time of the run.", "gauge", [[base, (run.duration_ms ?? 0) / 1000]]);
  metric("netra_start_run_exit_code", "Exit code of the run.", "gauge", [[base, run.exit_code ?? -1]]);
  metric("netra_start_run_status", "1 for the run's status, 0 for the others.", "gauge", RUN_STATUSES.map((s) => [`${base},status="${s}"`, run.status === s ? 1 : 0]));
  metric("netra_start_run_started_timestamp_seconds", "When the run started (Unix time).", "gauge", [[base, Date.parse(run.started_at) / 1000]]);
  metric("netra_start_run_stages", "Stages in the run by final status.", "gauge", STAGE_STATUSES.map((s) => [`${base},status="${s}"`, stages.filter((x) => x.status === s).length]));
  metric("netra_start_stage_duration_seconds", "Time from a stage's first attempt to its end.", "gauge", stages.filter((s) => s.duration_ms !== null).map((s) => [stageLabels(s), (s.duration_ms ?? 0) / 1000]));
  metric("netra_start_stage_attempts_total", "Attempts a stage made in the run.", "counter", stages.map((s) => [stageLabels(s), s.attempts]));
  metric("netra_start_stage_status", "1 for the stage's final status, 0 for the others.", "gauge", stages.flatMap((s) => STAGE_STATUSES.map((status): [string, number] => [`${stageLabels(s)},status="${status}"`, s.status === status ? 1 : 0])));
  metric("netra_start_rollbacks_total", "Rollback steps taken in the run, by status.", "counter", ["ok", "failed", "skipped"].map((status) => [`${base},status="${status}"`, details.rollbacks.filter((r) => r.status === status).length]));
  return text();
}
