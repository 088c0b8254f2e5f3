// GitHub Actions: workflow-command annotations (shown on the config file's line in the
// PR) and the job summary ($GITHUB_STEP_SUMMARY, Markdown).
import { appendFileSync } from "node:fs";
import type { Diagnostic } from "../config/diagnostic.js";
import { formatDuration } from "../config/duration.js";
import type { EngineEvent } from "../engine/events.js";
import { unreachable } from "../engine/failure.js";
import { visibleText } from "../util/visible-text.js";

export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** Where an annotation points: the config file, at a stage's line. */
export interface AnnotationSource {
  file: string;
  lineOf(stage: string): number;
  /** The file that defines a stage, when it is not `file` (an included one). */
  fileOf?(stage: string): string;
}

/** A workflow command that annotates: its text made visible first, so it shows what the stage printed. */
export function annotation(level: "error" | "warning", message: string, properties: { file?: string; line?: number; col?: number; title?: string }): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined && v !== 0 && v !== "")
    .map(([k, v]) => `${k}=${escapeProperty(visibleText(String(v)))}`)
    .join(",");
  return `::${level}${props ? ` ${props}` : ""}::${escapeData(visibleText(message))}`;
}

export function diagnosticAnnotation(d: Diagnostic): string {
  const text = `${d.path ? `${d.path}: ` : ""}${d.message}${d.hint ? ` (${d.hint})` : ""}`;
  return annotation(d.severity, text, { file: d.file, line: d.line, col: d.col, title: "netra-start config" });
}

const STATUS_ICON: Record<string, string> = { ready: "✅", failed: "❌", skipped: "⏭️", cancelled: "⚠️" };

// Stage text in a Markdown table cell: visible, one line, its pipes escaped.
function cell(text: string): string {
  return visibleText(text.replace(/\r?\n/g, " ")).replace(/\|/g, "\\|");
}

export function summaryMarkdown(event: Extract<EngineEvent, { type: "run-finished" }>, name: string, failures: ReadonlyMap<string, string[]>): string {
  const icon = event.status === "ready" ? "✅" : event.status === "degraded" ? "⚠️" : "❌";
  const lines = [
    `### ${icon} netra-start: ${cell(name)} ${event.status} in ${formatDuration(event.durationMs)} (exit ${event.exitCode})`,
    "",
    "| stage | status | priority | attempts | duration | error |",
    "|---|---|---|---:|---:|---|",
    ...event.results.map((r) => `| ${cell(r.name)} | ${STATUS_ICON[r.status] ?? ""} ${r.upToDate ? "up to date" : r.status} | ${r.priority} | ${r.attempts} | ${r.durationMs === undefined ? "–" : formatDuration(r.durationMs)} | ${cell(r.error ?? "")} |`),
  ];
  for (const [stage, tail] of failures) {
    if (tail.length === 0) continue;
    lines.push("", `<details><summary>${cell(stage)}: last ${tail.length} lines of output</summary>`, "", "```", ...tail.map((l) => visibleText(l).replace(/```/g, "ˋˋˋ")), "```", "</details>");
  }
  if (event.note) lines.push("", `> ${event.note}`);
  return `${lines.join("\n")}\n\n`;
}

// Collects what the summary needs from the event stream and appends it at the end.
export function createStepSummary(file: string, name: string): (event: EngineEvent) => void {
  const failures = new Map<string, string[]>();
  return (event) => {
    switch (event.type) {
      case "stage-failed":
        failures.set(event.stage, event.tail);
        return;
      case "run-finished":
        try {
          appendFileSync(file, summaryMarkdown(event, name, failures));
        } catch {
          // A summary that cannot be written must not change the run's result.
        }
        return;
      case "run-started":
      case "stage-started":
      case "stage-retrying":
      case "stage-ready":
      case "stage-skipped":
      case "stage-cancelled":
      case "service-exited":
      case "service-unhealthy":
      case "service-restarted":
      case "service-lost":
      case "rollback-stage":
      case "process-started":
      case "stage-output":
      case "service-output":
      case "health-check":
      case "attempt-failed":
      case "circuit-changed":
      case "outputs-saved":
      case "stage-up-to-date":
      case "fingerprint-saved":
      case "services-running":
      case "control-requested":
      case "fleet-waiting":
      case "rollback-started":
      case "rollback-finished":
        // The summary is the end result: the rest of the stream leaves it as it is.
        return;
      default:
        return unreachable(event);
    }
  };
}
