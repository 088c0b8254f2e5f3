// `down [--run ID]`: undo a run — stop the process groups it left running (a supervisor
// that died, a `--no-rollback` run) and run the cleanups of its ready stages, newest
// first, recorded as rollbacks with reason `down`. The run's recorded state is loaded
// into a RunState, and the same rollback as `up`'s drives it.
import { cleanupCommand } from "../../engine/module/stage.js";
import { rollBack } from "../../engine/rollback.js";
import { exitCodeFor } from "../../engine/run.js";
import { RunState, type InterruptSignal } from "../../engine/run-state.js";
import { createRenderer } from "../../output/renderer.js";
import { findRun, lastRollbackSeq, stagesToUndo } from "../../store/queries.js";
import { RunRecorder } from "../../store/recorder.js";
import { endLeftoverGroups } from "../../store/recovery.js";
import { resolveOutputMode, type CommonOptions } from "../options.js";
import { loadConfigOrExit } from "../load-config.js";
import { createRunSink, openRunContext } from "../run-context.js";
import { ExitCode, UsageError } from "../exit.js";
import { err, out } from "../io.js";
import path from "node:path";

export async function run(_args: string[], options: CommonOptions & { run?: string; /** ms, from commander (options.ts) */ waitLock?: number }): Promise<number> {
  const loaded = loadConfigOrExit(options);
  const { config } = loaded;
  const ctx = await openRunContext(loaded, options, "down", { waitMs: options.waitLock ?? 0, hint: "stop that run first (Ctrl-C tears it down), or pass --wait-lock 30s" });
  const { db, stateDir } = ctx;
  try {
    const target = findRun(db, options.run);
    if (!target) throw new UsageError(options.run ? `no run "${options.run}"` : "no runs recorded yet", "`netra-start history` lists the runs");
    const groups = await endLeftoverGroups(db, stateDir, target.id, 5000);
    if (groups.length > 0) out(`stopped ${groups.length} process group${groups.length === 1 ? "" : "s"} left by run ${target.id}`);

    const toUndo = stagesToUndo(db, target.id);
    const index = new Map(config.stages.map((s, i) => [s.name, i]));
    const missing = toUndo.filter((name) => !index.has(name));
    if (missing.length > 0) err(`warning: no longer in the config, not cleaned up: ${missing.join(", ")}`);

    const renderer = await createRenderer(resolveOutputMode(options.output) === "json" ? "json" : "plain");
    const recorder = new RunRecorder(db, { configPath: config.path, configHash: config.hash, profile: config.profile, command: "down" });
    recorder.useRun(target.id);
    const sink = createRunSink(ctx, [{ name: "the report database", onEvent: (event) => recorder.onEvent(event) }, renderer]);
    const state = new RunState({ runId: target.id, stages: config.stages, degraded: config.settings.degraded, sink });
    state.restoreReady(toUndo.flatMap((name) => (index.has(name) ? [{ index: index.get(name) as number, cleanup: cleanupCommand(config.stages[index.get(name) as number]!) }] : [])));

    // SIGINT, SIGTERM, SIGHUP: cancel the cleanup under way, skip the rest, record what
    // happened, release the lock, exit 130/143/129.
    const skip = new AbortController();
    let interrupted: InterruptSignal | undefined;
    const onSignal = (signal: InterruptSignal) => () => {
      interrupted ??= signal;
      skip.abort();
    };
    const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((signal) => [signal, onSignal(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const { failed } = await rollBack({
      state,
      reason: "down",
      env: { ...process.env },
      logDir: path.join(stateDir, "logs", target.id),
      redactor: ctx.redactor,
      skip: skip.signal,
      firstSeq: lastRollbackSeq(db, target.id),
    });
    for (const [signal, handler] of handlers) process.off(signal, handler);
    recorder.close();
    await renderer.close();
    if (interrupted) return exitCodeFor("interrupted", false, interrupted);
    return failed > 0 ? ExitCode.failed : ExitCode.ready;
  } finally {
    ctx.close();
  }
}
