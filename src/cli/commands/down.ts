// `down [--run ID] [--undo]`: stop the process groups a run left running (a supervisor
// that died, a `--no-rollback` run); with `--undo`, also run the cleanups of its ready
// stages not undone yet, newest first, recorded as rollbacks with reason `down`. The
// run's recorded state is loaded into a RunState, and the same rollback as `up`'s drives
// it. Without `--undo` nothing is undone: it says which cleanups are left.
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
import { printJson } from "../data-format.js";
import { childOf } from "../../util/inside-dir.js";
import { logsDir } from "../../store/state-dir.js";
import { request, waitForExit } from "../../control/client.js";
import { ControlError } from "../../control/control-error.js";
import { resolveStateDir } from "../options.js";
import { replyOrExit } from "../control-reply.js";
import { locateSupervisor, removeStaleFiles } from "../supervisor-link.js";

export async function run(_args: string[], options: CommonOptions & { run?: string; /** ms, from commander (options.ts) */ waitLock?: number; undo?: boolean; forceUnlock?: boolean }): Promise<number> {
  const loaded = loadConfigOrExit(options);
  const { config } = loaded;
  const json = resolveOutputMode(options.output) === "json";
  // A supervisor still running (`up --detach`, or `up` in another terminal) is asked to
  // stop everything and end; then this goes on as after any run.
  // (Not with --force-unlock: that is about another host's lock, and a holder alive here is refused.)
  const stopped = options.forceUnlock ? undefined : await stopSupervisor(resolveStateDir(options, config.path), options.run, json);
  const ctx = await openRunContext(loaded, options, "down", { waitMs: options.waitLock ?? 0, forceUnlock: options.forceUnlock, hint: "stop that run first (Ctrl-C tears it down), or pass --wait-lock 30s" });
  const { db, stateDir } = ctx;
  try {
    const target = findRun(db, options.run);
    if (!target) throw new UsageError(options.run ? `no run "${options.run}"` : "no runs recorded yet", "`netra-start history` lists the runs");
    const groups = await endLeftoverGroups(db, stateDir, target.id, 5000);
    if (groups.length > 0 && !json) out(`stopped ${groups.length} process group${groups.length === 1 ? "" : "s"} left by run ${target.id}`);

    // A crafted or damaged row must not lead the cleanups' logs out of the state dir.
    const logDir = childOf(logsDir(stateDir), target.id);
    if (!logDir) throw new UsageError(`run id ${JSON.stringify(target.id)} is not a folder inside ${logsDir(stateDir)}`, "the report database has a damaged row: pass another --run");
    const toUndo = stagesToUndo(db, target.id);
    const index = new Map(config.stages.map((s, i) => [s.name, i]));
    const withCleanup = toUndo.filter((name) => index.has(name) && cleanupCommand(config.stages[index.get(name) as number]!));
    if (!options.undo) {
      if (json) printJson({ type: "down", runId: target.id, stoppedSupervisor: stopped ?? null, stoppedGroups: groups.length, cleanupsNotRun: withCleanup });
      else {
        if (groups.length === 0 && stopped === undefined) out(`nothing left running by run ${target.id}`);
        if (withCleanup.length > 0) out(`kept what ${withCleanup.join(", ")} did: \`netra-start down --undo\` runs their cleanups`);
      }
      return ExitCode.ready;
    }
    const missing = toUndo.filter((name) => !index.has(name));
    if (missing.length > 0) err(`warning: no longer in the config, not cleaned up: ${missing.join(", ")}`);

    const renderer = await createRenderer(json ? "json" : "plain");
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
      undo: true,
      env: { ...process.env },
      logDir,
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

/** How long `down` waits for a supervisor to tear down: its stages' kill timeouts, in reverse order, fit well within. */
const SUPERVISOR_STOP_MS = 10 * 60_000;

// Returns the pid of the supervisor it stopped; a dead one's files are removed (its run is
// recovered when the lock is taken).
async function stopSupervisor(stateDir: string, run: string | undefined, json: boolean): Promise<number | undefined> {
  const found = locateSupervisor(stateDir);
  if (found.kind === "dead") removeStaleFiles(stateDir);
  if (found.kind !== "alive" || (run !== undefined && run !== found.info.runId)) return undefined;
  const { info } = found;
  replyOrExit(await request(info.socket, { command: "down" }, 30_000), "down");
  if (!json) out(`stopping the supervisor of run ${info.runId} (pid ${info.pid}) and everything it runs`);
  if (!(await waitForExit(info, SUPERVISOR_STOP_MS))) throw new ControlError(`the supervisor (pid ${info.pid}) is still tearing down after ${SUPERVISOR_STOP_MS / 60_000} minutes`, `see its log; kill ${info.pid} ends it, and the next \`netra-start down\` ends what it left`);
  if (!json) out(`stopped the supervisor of run ${info.runId}`);
  return info.pid;
}
