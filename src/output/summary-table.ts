// The table every mode but json ends with: stage, status, priority, attempts, duration, error.
import type { ChalkInstance } from "chalk";
import { formatDuration } from "../config/duration.js";
import type { StageResult } from "../engine/events.js";
import { visibleText } from "../util/visible-text.js";
import { alignColumns } from "./columns.js";

const STATUS_MARK: Record<StageResult["status"], string> = { ready: "✔", failed: "✖", skipped: "↷", cancelled: "⚠" };

// A DESCRIPTION column (cut to 40 characters) when any stage has one: what a stage is for
// reads better than its name when it failed.
// A WHY column when a task has inputs/creates: why it ran ("inputs changed: a.sql"); one
// that did not run says "up to date" as its status.
export function summaryTable(results: readonly StageResult[], style: ChalkInstance): string[] {
  const described = results.some((r) => r.description);
  const explained = results.some((r) => r.why !== undefined);
  const rows = [["STAGE", ...(described ? ["DESCRIPTION"] : []), "STATUS", ...(explained ? ["WHY"] : []), "PRIORITY", "ATTEMPTS", "DURATION", "ERROR"]];
  for (const r of results)
    rows.push([
      r.name,
      ...(described ? [oneLine(r.description ?? "", 40)] : []),
      r.upToDate ? `${STATUS_MARK.ready} up to date` : `${STATUS_MARK[r.status]} ${r.status}`,
      ...(explained ? [r.upToDate || r.why === undefined ? "-" : oneLine(r.why, 60)] : []),
      r.priority,
      String(r.attempts),
      r.durationMs === undefined ? "-" : formatDuration(r.durationMs),
      oneLine(r.error ?? "", 100),
    ]);
  return alignColumns(rows).map((text, n) => {
    if (n === 0) return style.bold(text);
    const status = results[n - 1]?.status;
    return status === "failed" ? style.red(text) : status === "ready" ? text : style.yellow(text);
  });
}

// Errors come from stages and, in `report`, from rows an older version wrote: made visible
// here, as is a description from the config.
function oneLine(text: string, max: number): string {
  const line = visibleText(text.replace(/\s+/g, " ").trim());
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
