// `report --format html`: one self-contained page (inline CSS and SVG, no script, no
// network) with a Gantt timeline of the run — attempts, backoff waits, health checks,
// rollbacks, the critical path — the summary table, and each failure's output tail.
// Every string from a run is escaped: a stage's output cannot inject markup.
import { formatDuration } from "../config/duration.js";
import type { RunDetails } from "../store/queries.js";
import { logTail } from "./log-tail.js";
import { buildTimeline, type TimelineRow } from "./timeline.js";

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const LABEL_WIDTH = 190;
const CHART_WIDTH = 880;
const ROW = 22;
const AXIS = 26;

function niceStep(totalMs: number): number {
  const raw = totalMs / 8;
  const steps = [10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
  return steps.find((s) => s >= raw) ?? 3_600_000;
}

function svgTimeline(details: RunDetails): string {
  const timeline = buildTimeline(details);
  const scale = CHART_WIDTH / timeline.totalMs;
  const x = (ms: number) => (LABEL_WIDTH + Math.max(0, ms) * scale).toFixed(1);
  const w = (a: number, b: number) => Math.max(2, (b - a) * scale).toFixed(1);
  const height = AXIS + timeline.rows.length * ROW + 10;
  const parts: string[] = [];
  const step = niceStep(timeline.totalMs);
  for (let t = 0; t <= timeline.totalMs; t += step)
    parts.push(`<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="${AXIS - 6}" y2="${height}"/><text class="tick" x="${x(t)}" y="14">${escapeHtml(formatDuration(t))}</text>`);
  if (timeline.stoppedAtMs !== undefined)
    parts.push(`<line class="stopped" x1="${x(timeline.stoppedAtMs)}" x2="${x(timeline.stoppedAtMs)}" y1="${AXIS - 6}" y2="${height}"><title>the run stopped here: a critical stage failed</title></line>`);
  timeline.rows.forEach((row, i) => parts.push(svgRow(row, AXIS + i * ROW, x, w)));
  return `<svg class="timeline" role="img" aria-label="Timeline of run ${escapeHtml(details.run.id)}" width="${LABEL_WIDTH + CHART_WIDTH + 20}" height="${height}" viewBox="0 0 ${LABEL_WIDTH + CHART_WIDTH + 20} ${height}">${parts.join("")}</svg>`;
}

function svgRow(row: TimelineRow, y: number, x: (ms: number) => string, w: (a: number, b: number) => string): string {
  const name = escapeHtml(row.stage);
  const out = [
    `<g class="row ${escapeHtml(row.status)}${row.critical ? " critical" : ""}" data-stage="${name}" data-status="${escapeHtml(row.status)}">`,
    `<rect class="band" x="0" y="${y}" width="${LABEL_WIDTH + CHART_WIDTH + 20}" height="${ROW}"/>`,
    `<text class="label" x="${LABEL_WIDTH - 8}" y="${y + 15}">${name}${row.status === "ready" ? "" : ` (${escapeHtml(row.status)})`}</text>`,
  ];
  for (const b of row.backoffs) out.push(`<rect class="backoff" x="${x(b.startMs)}" y="${y + 9}" width="${w(b.startMs, b.endMs)}" height="4"><title>backoff ${escapeHtml(formatDuration(b.endMs - b.startMs))}</title></rect>`);
  for (const a of row.attempts) {
    const what = a.outcome === "ok" ? "ok" : a.error ?? a.outcome;
    out.push(
      `<rect class="bar attempt ${a.outcome === "ok" ? "ok" : a.outcome === "running" ? "running" : "failed"}" x="${x(a.startMs)}" y="${y + 4}" width="${w(a.startMs, a.endMs)}" height="${ROW - 8}" rx="2"><title>${name} attempt ${a.attempt}: ${escapeHtml(what)} (${escapeHtml(formatDuration(a.endMs - a.startMs))})</title></rect>`,
    );
  }
  for (const h of row.health) out.push(`<circle class="health ${h.ok ? "ok" : "failed"}" cx="${x(h.atMs)}" cy="${y + ROW - 4}" r="2.5"><title>health: ${escapeHtml(h.detail)}</title></circle>`);
  if (row.rollback) {
    const r = row.rollback;
    out.push(
      `<rect class="bar rollback ${escapeHtml(r.status)}" x="${x(r.startMs)}" y="${y + 6}" width="${w(r.startMs, r.endMs)}" height="${ROW - 12}"><title>${name} rollback (${escapeHtml(r.reason)}): ${escapeHtml(r.status)}${r.error ? ` — ${escapeHtml(r.error)}` : ""}</title></rect>`,
    );
  }
  out.push("</g>");
  return out.join("");
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.meta{color:#5b6474}.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600}
.badge.ready{background:#2e8540}.badge.degraded{background:#c77700}.badge.failed,.badge.abandoned{background:#c62828}.badge.interrupted,.badge.running{background:#5b6474}
.scroll{overflow-x:auto;border:1px solid #e3e6eb;border-radius:6px;padding:6px}
svg.timeline text{font-size:12px}.tick{fill:#8a93a3;text-anchor:middle}.grid{stroke:#eef0f3}
.label{text-anchor:end;fill:#1d2330}.row.critical .label{font-weight:700;fill:#b71c1c}
.band{fill:transparent}.row:nth-child(even) .band{fill:#fafbfc}
.bar.ok{fill:#4caf50}.bar.failed{fill:#e53935}.bar.running{fill:#9e9e9e}
.row.critical .bar.attempt{stroke:#b71c1c;stroke-width:2}
.backoff{fill:#ffb74d}.health.ok{fill:#1b5e20}.health.failed{fill:#ff7043}
.bar.rollback{fill:#7e57c2}.bar.rollback.failed{fill:#4a148c}.stopped{stroke:#c62828;stroke-dasharray:4 3}
.legend span{margin-right:14px}.legend i{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:middle}
table{border-collapse:collapse;margin-top:6px}th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #eef0f3}
tr.failed td{color:#b71c1c}tr.skipped td,tr.cancelled td{color:#8a6d00}
pre{background:#f6f8fa;padding:10px;border-radius:6px;overflow-x:auto;white-space:pre-wrap}
`;

export function renderHtml(details: RunDetails): string {
  const { run, stages } = details;
  const timeline = buildTimeline(details);
  const rows = stages
    .map(
      (s) =>
        `<tr class="${escapeHtml(s.status)}"><td>${escapeHtml(s.stage)}</td><td>${escapeHtml(s.status)}</td><td>${escapeHtml(s.priority)}</td><td>${s.attempts}</td><td>${s.duration_ms === null ? "–" : escapeHtml(formatDuration(s.duration_ms))}</td><td>${escapeHtml(s.error ?? "")}</td></tr>`,
    )
    .join("\n");
  const failures = stages
    .filter((s) => s.status === "failed")
    .map((s) => `<section class="failure" data-stage="${escapeHtml(s.stage)}"><h3>${escapeHtml(s.stage)}: ${escapeHtml(s.error ?? "failed")}</h3><pre>${escapeHtml(logTail(s.log_path, 30).join("\n") || "(no output)")}</pre></section>`)
    .join("\n");
  const critical = timeline.criticalPath.length > 0 ? `<p><b>Critical path:</b> ${timeline.criticalPath.map(escapeHtml).join(" → ")}</p>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>netra-start run ${escapeHtml(run.id)}: ${escapeHtml(run.status)}</title>
<style>${CSS}</style></head>
<body>
<h1>${escapeHtml(run.name)} <span class="badge ${escapeHtml(run.status)}">${escapeHtml(run.status)}</span></h1>
<p class="meta">run ${escapeHtml(run.id)} · started ${escapeHtml(run.started_at)} · ${run.duration_ms === null ? "unfinished" : escapeHtml(formatDuration(run.duration_ms))} · exit ${run.exit_code ?? "–"} · <code>netra-start ${escapeHtml(run.command)}</code> · ${escapeHtml(run.config_path)}${run.note ? ` · ${escapeHtml(run.note)}` : ""}</p>
<h2>Timeline</h2>
<p class="legend"><span><i style="background:#4caf50"></i>attempt ok</span><span><i style="background:#e53935"></i>attempt failed</span><span><i style="background:#ffb74d"></i>backoff</span><span><i style="background:#1b5e20;border-radius:50%"></i>health check</span><span><i style="background:#7e57c2"></i>rollback</span><span><b style="color:#b71c1c">bold</b> critical path</span></p>
${critical}
<div class="scroll">${svgTimeline(details)}</div>
<h2>Stages</h2>
<table><thead><tr><th>stage</th><th>status</th><th>priority</th><th>attempts</th><th>duration</th><th>error</th></tr></thead><tbody>
${rows}
</tbody></table>
${failures ? `<h2>Failures</h2>\n${failures}` : ""}
</body></html>
`;
}
