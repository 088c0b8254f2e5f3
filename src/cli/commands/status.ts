// `netra-start status`: each stage of the running supervisor's run — status, pid, health,
// uptime, restarts, last error — as the supervisor's one RunState has it (asked over the
// control socket). Nothing running: said, exit 1. A supervisor that died (kill -9): its
// run is recorded abandoned and what it left running is ended, exit 1.
import { formatDuration } from "../../config/duration.js";
import { request } from "../../control/client.js";
import type { RunView, StageView } from "../../engine/run-control.js";
import { alignColumns } from "../../output/columns.js";
import { makeStyle } from "../../output/style.js";
import { visibleText } from "../../util/visible-text.js";
import { dataFormat, printJson } from "../data-format.js";
import { ExitCode } from "../exit.js";
import { out } from "../io.js";
import type { CommonOptions } from "../options.js";
import { stateDirFor } from "../state.js";
import { cleanUpAfterDead, locateSupervisor, sayNoneRunning } from "../supervisor-link.js";
import { replyOrExit } from "../control-reply.js";

export async function run(_args: string[], options: CommonOptions & { format?: string }): Promise<number> {
  const stateDir = stateDirFor(options);
  const json = dataFormat(options) === "json";
  const found = locateSupervisor(stateDir);
  if (found.kind !== "alive") {
    if (found.kind === "dead") await cleanUpAfterDead(stateDir, found.info);
    else sayNoneRunning(stateDir);
    if (json) printJson({ type: "status", running: false, stateDir, abandoned: found.kind === "dead" ? found.info.runId : null });
    return ExitCode.failed;
  }
  const reply = replyOrExit(await request(found.info.socket, { command: "status" }, 10_000), "status");
  if (json) {
    printJson({ type: "status", running: true, stateDir, pid: reply.pid, detached: found.info.detached, runId: reply.view.runId, phase: reply.view.phase, stages: reply.view.stages.map(withNulls) });
    return ExitCode.ready;
  }
  for (const line of statusText(reply.view, reply.pid, found.info.detached)) out(line);
  return ExitCode.ready;
}

function statusText(view: RunView, pid: number, detached: boolean): string[] {
  const style = makeStyle(process.stdout);
  const head = `run ${view.runId} ${view.phase} · supervisor pid ${pid}${detached ? " (in the background)" : ""}`;
  const rows = [["STAGE", "KIND", "STATUS", "PID", "HEALTH", "UPTIME", "RESTARTS", "LAST ERROR"], ...view.stages.map(row)];
  const colour = (status: string | undefined) => (status === "ready" ? style.green : status === "failed" ? style.red : status === "restarting" || status === "cancelled" || status === "retrying" ? style.yellow : (t: string) => t);
  return [head, "", ...alignColumns(rows).map((text, n) => (n === 0 ? style.bold(text) : colour(rows[n]?.[2])(text)))];
}

function row(s: StageView): string[] {
  const health = s.health ? `${s.health.ok ? "ok" : "failing"}: ${visibleText(s.health.detail)}` : "-";
  return [s.name, s.kind, s.status, s.pid === undefined ? "-" : String(s.pid), health, s.uptimeMs === undefined ? "-" : formatDuration(s.uptimeMs), String(s.restarts), s.lastError === undefined ? "" : visibleText(s.lastError)];
}

// JSON says "none" as null rather than leaving the key out.
function withNulls(s: StageView): Record<string, unknown> {
  return { ...s, pid: s.pid ?? null, health: s.health ?? null, uptimeMs: s.uptimeMs ?? null, lastError: s.lastError ?? null };
}
