// `--output plain`: one timestamped line per event (UTC time of day), stable to grep,
// then the summary table. With GITHUB_ACTIONS=true, a failed critical stage becomes an
// ::error:: annotation (a non-critical one a ::warning::), failure output goes in a
// collapsible ::group::, and every other line is printed with workflow commands stopped.
// Every string of an event is made visible text first: stage output, errors and config
// names can hold escape sequences and line breaks, which must not reach the terminal or
// the CI runner as such.
import type { ChalkInstance } from "chalk";
import { formatDuration } from "../config/duration.js";
import type { EngineEvent } from "../engine/events.js";
import { annotation, escapeData, type AnnotationSource } from "./github.js";
import { unreachable } from "../engine/failure.js";
import { failureHint } from "./failure-hint.js";
import { summaryTable } from "./summary-table.js";
import { visibleEvent } from "./visible-event.js";
import { textOutput, type TextOutput } from "./workflow-commands.js";

export interface PlainOptions {
  write: (line: string) => void;
  style: ChalkInstance;
  github: boolean;
  /** Points GitHub annotations at the stage's line in the config. */
  source?: AnnotationSource;
  /** Where lines and workflow commands go; by default `write`, commands stopped around text under GitHub. */
  output?: TextOutput;
  /**
   * How event text is made safe to print: visible text by default. The live view passes
   * its lines through its own terminal cleaning (which keeps colours), and says so here.
   */
  visible?: (event: EngineEvent) => EngineEvent;
}

export function createPlainRenderer({ write: writeLine, style, github, source, output = textOutput(writeLine, github), visible = visibleEvent }: PlainOptions): (event: EngineEvent) => void {
  const write = (text: string) => output.line(text);
  const annotate = (level: "error" | "warning", stage: string, title: string, message: string) =>
    output.command(annotation(level, message, { file: source?.fileOf?.(stage) ?? source?.file, line: source?.lineOf(stage), title }));
  const line = (at: string, text: string) => write(`${style.dim(at.slice(11, 23))} ${text}`);
  const tag = (stage: string) => style.cyan(`[${stage}]`);
  return (raw) => {
    const event = visible(raw);
    switch (event.type) {
      case "run-started":
        return line(event.at, `run ${event.runId} started: ${event.name}, ${event.stages.length} stage${event.stages.length === 1 ? "" : "s"}, concurrency ${event.concurrency}, logs in ${event.logDir}`);
      case "stage-started":
        return line(event.at, `${tag(event.stage)} started${event.maxAttempts > 1 ? ` (attempt ${event.attempt}/${event.maxAttempts})` : ""}${event.why === undefined ? "" : `: ${event.why}`}`);
      case "stage-up-to-date":
        return line(event.at, `${tag(event.stage)} ${style.green(event.reason)}: not run, last successful run's outputs used`);
      case "stage-output":
      case "process-started":
      case "outputs-saved":
      case "fingerprint-saved":
        return;
      case "circuit-changed":
        if (event.from === event.to) return;
        return line(event.at, `${tag(event.stage)} circuit ${event.from.replace("_", "-")} → ${event.to.replace("_", "-")}${event.nextTryAt ? ` (next try after ${event.nextTryAt})` : ""}`);
      case "health-check":
        return line(event.at, `${tag(event.stage)} ${event.ok ? "healthy" : `waiting for health (${event.check}/${event.maxChecks})`}: ${event.detail}`);
      case "attempt-failed":
        return line(event.at, `${tag(event.stage)} ${style.yellow(`attempt ${event.attempt}/${event.maxAttempts} failed`)}: ${event.error}`);
      case "stage-retrying":
        return line(event.at, `${tag(event.stage)} retrying in ${formatDuration(event.delayMs)} (attempt ${event.nextAttempt}/${event.maxAttempts})`);
      case "stage-ready":
        return line(event.at, `${tag(event.stage)} ${style.green("ready")} in ${formatDuration(event.durationMs)}${event.attempts > 1 ? ` after ${event.attempts} attempts` : ""}`);
      case "stage-failed": {
        const what = event.critical ? "FAILED" : "failed (non-critical)";
        line(event.at, `${tag(event.stage)} ${style.red(what)} after ${event.attempts} attempt${event.attempts === 1 ? "" : "s"}: ${event.error}`);
        // A stage that may fail without failing the run is worth a warning, not an error.
        if (github) annotate(event.critical ? "error" : "warning", event.stage, `netra-start: stage ${event.stage} failed`, event.error);
        if (event.tail.length > 0) {
          if (github) output.command(`::group::${event.stage}: last ${event.tail.length} lines of output`);
          for (const text of event.tail) write(`    ${style.dim("│")} ${text}`);
          if (github) output.command("::endgroup::");
        }
        const hint = failureHint(event);
        if (hint) write(`    ${style.cyan("hint:")} ${hint}`);
        return;
      }
      case "fleet-waiting":
        return line(event.at, `${tag(event.stage)} waiting for ${event.holder} to finish ${event.stage} (once: fleet, scope ${event.scope})`);
      case "stage-skipped":
        return line(event.at, `${tag(event.stage)} ${style.yellow("skipped")}: ${event.reason}`);
      case "stage-cancelled":
        return line(event.at, `${tag(event.stage)} ${style.yellow("cancelled")}: ${event.reason}`);
      case "service-output":
        return write(`${style.cyan(`${event.stage} │`)} ${event.line}`);
      case "service-exited":
        return line(
          event.at,
          `${tag(event.stage)} ${style.yellow(`service exited (${event.signal ? `killed by ${event.signal}` : `exit code ${event.exitCode}`}) after ${formatDuration(event.uptimeMs)}`)}${event.restarting ? `, restarting in ${formatDuration(event.delayMs)}` : ""}`,
        );
      case "control-requested":
        return line(event.at, `${tag(event.stage)} ${event.action} requested by ${event.by}`);
      case "service-unhealthy":
        return line(event.at, `${tag(event.stage)} ${style.yellow(`unhealthy after ${formatDuration(event.uptimeMs)}: ${event.failures} failed liveness check${event.failures === 1 ? "" : "s"} (${event.detail})`)}, restarting in ${formatDuration(event.delayMs)}`);
      case "service-restarted":
        return line(event.at, `${tag(event.stage)} ${style.green("restarted")} (restart ${event.restarts})`);
      case "service-lost":
        if (github) annotate(event.critical ? "error" : "warning", event.stage, `netra-start: service ${event.stage} lost`, event.error);
        return line(event.at, `${tag(event.stage)} ${style.red(event.critical ? "LOST" : "lost (non-critical)")}: ${event.error}`);
      case "services-running":
        return line(event.at, `${style.green("all ready")}; ${event.stages.length} service${event.stages.length === 1 ? "" : "s"} running (${event.stages.join(", ")}) — press Ctrl-C to stop`);
      case "rollback-started": {
        const what = event.undo ? "rollback" : "stopping";
        return line(event.at, event.stages.length === 0 ? `${what} (${event.reason}): nothing to ${event.undo ? "undo" : "stop"}` : `${what} (${event.reason}): ${event.stages.join(", ")}`);
      }
      case "rollback-stage": {
        const what = event.action === "undone" ? "rollback" : "stop";
        return line(event.at, `${tag(event.stage)} ${what} ${event.status === "failed" ? style.red(`failed: ${event.error}`) : event.status} (${formatDuration(event.durationMs)})`);
      }
      case "rollback-finished":
        return line(event.at, `${event.reason === "failure" || event.reason === "down" ? "rollback" : "stopping"} finished${event.failed > 0 ? `, ${event.failed} failed` : ""}${event.skipped ? ` (rest skipped: ${event.reason === "down" ? "interrupted" : "a second interrupt"})` : ""}`);
      case "run-finished": {
        const colour = event.status === "ready" ? style.green : event.status === "degraded" ? style.yellow : style.red;
        line(event.at, `run ${event.runId} ${colour(event.status)} in ${formatDuration(event.durationMs)} (exit ${event.exitCode})`);
        if (event.note) write(event.note);
        // Degraded means only non-critical stages failed: a warning, like theirs.
        if (github && event.status !== "ready") output.command(`::${event.status === "degraded" ? "warning" : "error"} title=netra-start::${escapeData(`run ${event.status} (exit ${event.exitCode})`)}`);
        write("");
        for (const row of summaryTable(event.results, style)) write(row);
        return;
      }
      default:
        return unreachable(event);
    }
  };
}
