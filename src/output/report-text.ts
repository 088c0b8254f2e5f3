// `report` as text: what happened in one run, readable in a terminal or a CI log.
import type { ChalkInstance } from "chalk";
import { formatDuration } from "../config/duration.js";
import type { RunDetails } from "../store/queries.js";
import { visibleText } from "../util/visible-text.js";
import { logTail } from "./log-tail.js";
import { summaryTable } from "./summary-table.js";

// Names, notes, errors and log tails are the stages' and the config's words: each is made
// visible text (an escape sequence or \r in them is shown, not obeyed).
export function reportText(details: RunDetails, style: ChalkInstance): string[] {
  const { run } = details;
  const v = visibleText;
  const lines = [
    style.bold(`run ${run.id}: ${run.status}${run.exit_code === null ? "" : ` (exit ${run.exit_code})`}`),
    `  ${v(run.name)} · ${v(run.config_path)}${run.profile ? ` · profile ${v(run.profile)}` : ""} · \`netra-start ${v(run.command)}\``,
    `  started ${run.started_at}${run.finished_at ? `, finished ${run.finished_at}` : ""}${run.duration_ms === null ? "" : ` (${formatDuration(run.duration_ms)})`} · pid ${run.pid} on ${run.host}`,
  ];
  if (run.note) lines.push(`  note: ${v(run.note)}`);
  lines.push("");
  lines.push(
    ...summaryTable(
      details.stages.map((s) => ({
        name: s.stage,
        description: s.description ?? undefined,
        status: s.status,
        priority: s.priority as "critical",
        kind: s.kind as "task",
        attempts: s.attempts,
        startedAt: s.started_at ?? undefined,
        finishedAt: s.finished_at ?? undefined,
        durationMs: s.duration_ms ?? undefined,
        exitCode: s.exit_code ?? undefined,
        error: s.error ?? undefined,
        logPath: s.log_path ?? undefined,
        why: s.why ?? undefined,
        upToDate: s.up_to_date === 1,
      })),
      style,
    ),
  );
  const retried = details.attempts.filter((a) => a.outcome !== "ok" && a.outcome !== "running");
  if (retried.length > 0) {
    lines.push("", style.bold("Failed attempts"));
    for (const a of retried) lines.push(`  ${a.stage} #${a.attempt}: ${v(a.error ?? a.outcome)}${a.backoff_ms ? `, retried after ${formatDuration(a.backoff_ms)}` : ""}`);
  }
  if (details.rollbacks.length > 0) {
    lines.push("", style.bold(`Rollback (${details.rollbacks[0]?.reason})`));
    for (const r of details.rollbacks) lines.push(`  ${r.seq}. ${r.stage}: ${r.status}${r.error ? ` — ${v(r.error)}` : ""} (${formatDuration(r.duration_ms)})`);
  }
  for (const failed of details.stages.filter((s) => s.status === "failed")) {
    const tail = logTail(failed.log_path, 10);
    if (tail.length === 0) continue;
    lines.push("", style.bold(`${failed.stage}: last ${tail.length} lines of output (${v(failed.log_path ?? "")})`));
    for (const l of tail) lines.push(`  │ ${v(l)}`);
  }
  return lines;
}
