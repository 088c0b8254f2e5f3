// The geometry of a run for the HTML timeline: pure, from recorded rows.
import type { RunDetails } from "../store/queries.js";

export interface Span {
  startMs: number;
  endMs: number;
}

export interface TimelineRow {
  stage: string;
  status: string;
  priority: string;
  attempts: (Span & { attempt: number; outcome: string; error: string | null })[];
  backoffs: Span[];
  health: { atMs: number; ok: boolean; detail: string }[];
  rollback: (Span & { status: string; reason: string; error: string | null }) | undefined;
  critical: boolean;
}

export interface Timeline {
  rows: TimelineRow[];
  totalMs: number;
  criticalPath: string[];
  /** When the run started stopping (a critical failure), for a marker line. */
  stoppedAtMs: number | undefined;
}

// The run's realized critical path: from the stage that finished last, back through the
// dependency that finished last before it (the one it actually waited for).
export function realizedCriticalPath(stages: RunDetails["stages"]): string[] {
  const byName = new Map(stages.map((s) => [s.stage, s]));
  const finished = stages.filter((s) => s.finished_at && (s.status === "ready" || s.status === "failed"));
  let current = finished.sort((a, b) => Date.parse(b.finished_at as string) - Date.parse(a.finished_at as string))[0];
  const path: string[] = [];
  while (current && !path.includes(current.stage)) {
    path.unshift(current.stage);
    const deps = (JSON.parse(current.depends_on ?? "[]") as string[]).map((d) => byName.get(d)).filter((d) => d?.finished_at);
    current = deps.sort((a, b) => Date.parse(b?.finished_at as string) - Date.parse(a?.finished_at as string))[0];
  }
  return path;
}

export function buildTimeline(details: RunDetails): Timeline {
  const t0 = Date.parse(details.run.started_at);
  const end = Date.parse(details.run.finished_at ?? details.run.started_at) || t0;
  const at = (iso: string | null) => (iso ? Date.parse(iso) - t0 : end - t0);
  const criticalPath = realizedCriticalPath(details.stages);
  const rows = details.stages.map((s): TimelineRow => {
    const attempts = details.attempts
      .filter((a) => a.stage === s.stage)
      .map((a) => ({ attempt: a.attempt, outcome: a.outcome, error: a.error, startMs: at(a.started_at), endMs: at(a.finished_at) }));
    const backoffs = attempts.slice(1).map((a, i) => ({ startMs: (attempts[i] as { endMs: number }).endMs, endMs: a.startMs }));
    const rollback = details.rollbacks.find((r) => r.stage === s.stage);
    return {
      stage: s.stage,
      status: s.status,
      priority: s.priority,
      attempts,
      backoffs: backoffs.filter((b) => b.endMs > b.startMs),
      health: details.health.filter((h) => h.stage === s.stage).map((h) => ({ atMs: at(h.checked_at), ok: h.ok === 1, detail: h.detail })),
      rollback: rollback ? { startMs: at(rollback.started_at), endMs: at(rollback.finished_at), status: rollback.status, reason: rollback.reason, error: rollback.error } : undefined,
      critical: criticalPath.includes(s.stage),
    };
  });
  // Started stages in start order, never-started ones last.
  const firstStart = (r: TimelineRow) => r.attempts[0]?.startMs ?? Number.MAX_SAFE_INTEGER;
  rows.sort((a, b) => firstStart(a) - firstStart(b));
  const failure = details.stages.find((s) => s.status === "failed" && s.priority === "critical");
  return { rows, totalMs: Math.max(1, end - t0), criticalPath, stoppedAtMs: failure?.finished_at ? at(failure.finished_at) : undefined };
}
