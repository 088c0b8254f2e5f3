// Stopping a ready service, as systemd's ExecStop then KillSignal do: its `stop_command`
// first (when it has one), then `stop_signal` to whatever is left of its process group,
// then SIGKILL — all within `stop_grace`. A stop command that fails or hangs never keeps
// the service alive: the signal follows regardless.
import type { Stage } from "../config/types.js";
import type { Redactor } from "../redact/redactor.js";
import { terminateGroup } from "./process/process-group.js";
import { startProcess, type RunningProcess } from "./process/run-process.js";
import { StageLog } from "./process/stage-log.js";
import { stageUser } from "./process/user-identity.js";
import { stageLogPath } from "./run-paths.js";
import type { RunState } from "./run-state.js";

export interface StopContext {
  state: RunState;
  env: NodeJS.ProcessEnv;
  logDir: string;
  redactor: Redactor;
}

export async function stopService(stage: Stage, run: RunningProcess, ctx: StopContext): Promise<void> {
  const { stop } = stage;
  const deadline = Date.now() + stop.graceMs;
  if (stop.command && run.pid !== undefined) await runStopCommand(stage, run.pid, ctx);
  if (run.pid !== undefined) await terminateGroup(run.pid, Math.max(0, deadline - Date.now()), stop.signal);
  run.stop();
  await run.outcome;
}

async function runStopCommand(stage: Stage, pid: number, ctx: StopContext): Promise<void> {
  const log = new StageLog(stageLogPath(ctx.logDir, stage.name), ctx.redactor);
  log.mark("stop command");
  const command = startProcess({
    command: stage.stop.command!,
    cwd: stage.cwd,
    // It knows which process to talk to: `kill -USR1 $NETRA_SERVICE_PID`, a shutdown request…
    env: { ...ctx.env, ...stage.env, NETRA_STAGE: stage.name, NETRA_RUN_ID: ctx.state.runId, NETRA_SERVICE_PID: String(pid) },
    timeoutMs: stage.stop.graceMs,
    killTimeoutMs: 1000,
    signal: undefined,
    log,
    redactor: ctx.redactor,
    user: stageUser(stage.user),
  });
  if (command.pid !== undefined) ctx.state.report({ type: "process-started", stage: stage.name, attempt: 0, role: "cleanup", pgid: command.pid });
  const outcome = await command.outcome;
  if (!(outcome.kind === "exit" && outcome.exitCode === 0)) log.mark(`stop command did not succeed (${outcome.kind === "exit" ? `exit code ${outcome.exitCode}` : outcome.kind}); sending ${stage.stop.signal}`);
  log.close();
}
