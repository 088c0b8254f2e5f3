// `down [--run ID]`: undo a run — stop the process groups it left running (a supervisor
// that died, a `--no-rollback` run) and run the cleanups of its ready stages, newest
// first, recorded as rollbacks with reason `down`.
import { cleanupCommand } from "../../engine/module/stage.js";
import { rollBack } from "../../engine/rollback.js";
import { createRenderer } from "../../output/renderer.js";
import { findRun } from "../../store/queries.js";
import { RunRecorder } from "../../store/recorder.js";
import { endLeftoverGroups } from "../../store/recovery.js";
import { describeHolder, openSession } from "../../store/session.js";
import { resolveOutputMode, resolveStateDir, type CommonOptions } from "../options.js";
import { loadConfigOrExit } from "../load-config.js";
import { ExitCode, UsageError } from "../exit.js";
import { err, out } from "../io.js";
import { parseWait } from "./up.js";
import path from "node:path";

export async function run(_args: string[], options: CommonOptions & { run?: string; waitLock?: string }): Promise<number> {
  const { config } = loadConfigOrExit(options);
  const stateDir = resolveStateDir(options, config.path);
  const session = await openSession(stateDir, "down", parseWait(options.waitLock));
  if (!session.ok) {
    err(`another run holds the lock on ${stateDir}: ${describeHolder(session.holder)}`);
    err("hint: stop that run first (Ctrl-C tears it down), or pass --wait-lock 30s");
    return ExitCode.locked;
  }
  const { db } = session;
  try {
    const target = findRun(db, options.run);
    if (!target) throw new UsageError(options.run ? `no run "${options.run}"` : "no runs recorded yet", "`netra-start history` lists the runs");
    const groups = await endLeftoverGroups(db, stateDir, target.id, 5000);
    if (groups.length > 0) out(`stopped ${groups.length} process group${groups.length === 1 ? "" : "s"} left by run ${target.id}`);

    const ready = db.prepare("SELECT stage FROM stage_runs WHERE run_id = ? AND status = 'ready' ORDER BY finished_at DESC").all(target.id) as { stage: string }[];
    const byName = new Map(config.stages.map((s) => [s.name, s]));
    const missing = ready.filter((r) => !byName.has(r.stage)).map((r) => r.stage);
    if (missing.length > 0) err(`warning: no longer in the config, not cleaned up: ${missing.join(", ")}`);
    const items = ready.flatMap((r) => {
      const stage = byName.get(r.stage);
      return stage ? [{ stage, service: undefined, cleanup: cleanupCommand(stage) }] : [];
    });
    const renderer = await createRenderer(resolveOutputMode(options.output) === "json" ? "json" : "plain");
    const recorder = new RunRecorder(db, { configPath: config.path, configHash: config.hash, profile: config.profile, command: "down" });
    recorder.useRun(target.id);
    const skip = new AbortController();
    process.once("SIGINT", () => skip.abort());
    const { failed } = await rollBack({
      reason: "down",
      runId: target.id,
      items,
      env: { ...process.env },
      logDir: path.join(stateDir, "logs", target.id),
      redact: undefined,
      skip: skip.signal,
      emit: (event) => {
        recorder.onEvent(event);
        renderer.onEvent(event);
      },
    });
    recorder.flush();
    await renderer.close();
    return failed > 0 ? ExitCode.failed : ExitCode.ready;
  } finally {
    session.close();
  }
}
