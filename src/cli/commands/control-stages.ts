// `netra-start restart STAGE…` and `netra-start stop [STAGE…]`: asked of the running
// supervisor, which acts through its RunState (restarts go through the stage's retries,
// backoff and circuit breaker). One line per stage; exit 0 when every one succeeded, 1
// when not, 2 for a stage the run does not have.
import { request } from "../../control/client.js";
import { visibleText } from "../../util/visible-text.js";
import { replyOrExit } from "../control-reply.js";
import { dataFormat, printJson } from "../data-format.js";
import { ExitCode } from "../exit.js";
import { err, out } from "../io.js";
import type { CommonOptions } from "../options.js";
import { stateDirFor } from "../state.js";
import { locateSupervisor, sayDead, sayNoneRunning } from "../supervisor-link.js";

export async function controlStages(command: "restart" | "stop", stages: string[], options: CommonOptions & { format?: string }): Promise<number> {
  const stateDir = stateDirFor(options);
  const found = locateSupervisor(stateDir);
  if (found.kind !== "alive") {
    if (found.kind === "dead") sayDead(found.info);
    else sayNoneRunning(stateDir);
    return ExitCode.failed;
  }
  const reply = replyOrExit(await request(found.info.socket, { command, stages }), command);
  if (dataFormat(options) === "json") printJson({ type: command, runId: found.info.runId, outcomes: reply.outcomes });
  else if (reply.outcomes.length === 0) out(`nothing to ${command}: no service is running`);
  else
    for (const o of reply.outcomes) {
      if (o.ok) out(`${o.stage}: ${command === "restart" ? "restarted, " : ""}${o.detail}`);
      else err(`${o.stage}: not ${command === "restart" ? "restarted" : "stopped"}: ${visibleText(o.error)}`);
    }
  return reply.outcomes.every((o) => o.ok) ? ExitCode.ready : ExitCode.failed;
}
