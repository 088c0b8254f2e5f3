// `netra-start up`: load, plan, take the state dir's lock, run with live output while
// recording everything, apply retention, exit with the run's code.
import { accessSync, constants, existsSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { EventSink } from "../../engine/event-sink.js";
import { exitCodeFor, INTERNAL_ERROR_EXIT, newRunId, startRun, type RunHandle } from "../../engine/run.js";
import type { InterruptSignal } from "../../engine/run-state.js";
import { buildPlan, selectStages } from "../../graph/plan.js";
import { renderJunit } from "../../output/junit.js";
import { createStepSummary } from "../../output/github.js";
import { createRenderer } from "../../output/renderer.js";
import { circuitResetCommand } from "../command-line.js";
import { printJson } from "../data-format.js";
import { loadCircuits, resetCircuits } from "../../store/circuits.js";
import { durationEstimates, findRun, prune, runDetails } from "../../store/queries.js";
import { RunRecorder } from "../../store/recorder.js";
import { databasePath, type Db } from "../../store/database.js";
import type { Coordination } from "../../config/types.js";
import { releaseReserve } from "../../store/reserve.js";
import { DISK_FULL_HINT, DiskFullError, diskFullError, isDiskFull } from "../../util/disk-full.js";
import { resolveOutputMode, type CommonOptions } from "../options.js";
import { loadConfigOrExit } from "../load-config.js";
import { createRunSink, openRunContext } from "../run-context.js";
import { forcedStages, freshnessOptions } from "../freshness-options.js";
import { openHealthEndpoint } from "../health-endpoint.js";
import { checkStageUsers } from "../check-users.js";
import { ExitCode, UsageError } from "../exit.js";
import { debugEnabled, err, out } from "../io.js";
import { childRelay, detachedChild, startDetached } from "../detach.js";
import { startControlServer } from "../../control/server.js";
import type { StageWatcher } from "../../control/watch-stages.js";
import type { Stage } from "../../config/types.js";
import { resolveStateDir } from "../options.js";
import type { EngineEvent } from "../../engine/events.js";
import { redactEvent } from "../../engine/redact-event.js";
import type { Redactor } from "../../redact/redactor.js";

export interface UpOptions extends CommonOptions {
  /** Parsed and bounded by commander (options.ts). */
  concurrency?: number;
  rollback?: boolean;
  allowDegraded?: boolean;
  check?: boolean;
  dryRun?: boolean;
  junit?: string;
  /** Milliseconds, parsed and bounded by commander (options.ts). */
  waitLock?: number;
  resetCircuits?: boolean;
  forceUnlock?: boolean;
  /** `--force` alone: every task with inputs/creates runs; with names, those. */
  force?: boolean | string[];
  /** Run the supervisor in the background once the graph is ready (cli/detach.ts). */
  detach?: boolean;
  /** Restart stages whose `watch:` globs see a change (control/watch-stages.ts). */
  watch?: boolean;
  /** host:port of the health endpoint (overrides settings.http). */
  http?: string;
}

export async function run(names: string[], options: UpOptions): Promise<number> {
  const loaded = loadConfigOrExit(options);
  const { config, analysis } = loaded;
  const selection = selectStages(config, names);
  if (!selection.ok) throw new UsageError(`unknown stage "${selection.unknown}"`, selection.hint ?? "run `netra-start plan` to list the stages");
  const concurrency = options.concurrency ?? config.settings.concurrency;
  const mode = resolveOutputMode(options.output);
  const waitMs = options.waitLock ?? 0;
  const force = forcedStages(options.force, config);

  if (options.dryRun) {
    const plan = buildPlan(selection.stages);
    const order = plan.order.map((i) => plan.stages[i]?.name as string);
    if (mode === "json") printJson({ type: "dry-run", config: analysis.location.shown, concurrency, order });
    else {
      out(`dry run: ${order.length} stage${order.length === 1 ? "" : "s"} would start in this order (concurrency ${concurrency}); nothing was run`);
      order.forEach((name, n) => out(`${String(n + 1).padStart(4)}  ${name}`));
    }
    return ExitCode.ready;
  }

  if (options.junit) checkWritableFile(options.junit, "--junit");
  checkStageUsers(config, analysis.location.shown);
  if (options.watch && options.check) throw new UsageError("--watch and --check cannot be used together", "--check tears everything down once it is ready; --watch keeps restarting stages as files change");
  if (options.detach && options.check) throw new UsageError("--detach and --check cannot be used together", "--check tears everything down once it is ready; --detach leaves it running");
  const lines = new Map(config.stages.map((s) => [s.name, s]));
  const source = { file: analysis.location.shown, lineOf: (stage: string) => lines.get(stage)?.line ?? 0, fileOf: (stage: string) => lines.get(stage)?.file ?? analysis.location.shown };
  const child = options.detach ? detachedChild() : undefined;
  if (options.detach && !child) return startDetached({ stateDir: resolveStateDir(options, config.path), mode, source });
  // The detached supervisor: its terminal gets its events and stderr until the graph is ready.
  const relay = child ? childRelay() : undefined;
  const runId = child?.runId ?? newRunId();
  const command = ["up", ...names].join(" ");
  const ctx = await openRunContext(loaded, options, command, { waitMs, runId, forceUnlock: options.forceUnlock, hint: "wait for it to finish, pass --wait-lock 30s, or use another --state-dir" });
  const { db, stateDir } = ctx;
  try {
    if (options.resetCircuits) {
      const reset = resetCircuits(db, undefined);
      if (reset.length > 0) err(`circuits reset: ${reset.join(", ")}`);
    }

    const plan = buildPlan(selection.stages, durationEstimates(db));
    const recorder = new RunRecorder(db, { configPath: config.path, configHash: config.hash, profile: config.profile, command }, stateDir);
    // A detached supervisor writes plain lines to its log; its terminal draws the chosen mode.
    const renderer = relay ? await createRenderer("plain", { ...process.env, GITHUB_ACTIONS: undefined }) : await createRenderer(mode, process.env, source);
    const summary = process.env.GITHUB_STEP_SUMMARY && !relay ? createStepSummary(process.env.GITHUB_STEP_SUMMARY, config.name) : undefined;
    // The run's handle, for the relay's summary once the graph is ready (after startRun returns).
    const started: { handle?: RunHandle } = {};
    const allowDegraded = Boolean(options.allowDegraded);
    const startedAt = Date.now();
    // The record first: what the screen shows must already be in the database.
    const sink = createRunSink(ctx, [
      { name: "the report database", onEvent: (event) => recorder.onEvent(event) },
      renderer,
      ...(summary ? [{ name: "the GitHub step summary", onEvent: summary }] : []),
      ...(relay
        ? [
            {
              name: relay.consumer.name,
              onEvent: (event: EngineEvent) => {
                relay.consumer.onEvent(event);
                if (event.type === "services-running" && started.handle) relay.detach(readyNow(started.handle, ctx.redactor, allowDegraded, startedAt));
              },
            },
          ]
        : []),
    ]);
    const diskFull = diskFullReporter(stateDir);
    // Watching starts before the run, so that no change made once it is up goes unseen.
    const watcher = options.watch ? await startWatching(plan.stages, stateDir, (stage, file) => restartForChange(started.handle, stage, file)) : undefined;
    // Listen before the run starts: its first stages start, and are printed, before
    // startRun returns, and a signal in that window would kill this process outright and
    // leave them running. One that comes that early is passed on once the run exists.
    // Handlers then stay installed until the process exits: a late Ctrl-C (a second one
    // that arrives as the run ends) must not kill it before the lock is released.
    let early: InterruptSignal | undefined;
    let interrupt = (signal: InterruptSignal): void => {
      early ??= signal;
    };
    onSignals((signal) => interrupt(signal));
    // Listening before the first stage starts: probes get 503 "starting", not a refused connection.
    const current: { run?: RunHandle } = {};
    const health = await openHealthEndpoint(config, options.http, (text) => ctx.redactor.redact(text), () => current.run?.state);
    const handle: RunHandle = (started.handle = startRun({
      config,
      plan,
      runId,
      stateDir,
      concurrency,
      rollback: options.rollback !== false && config.settings.rollback,
      allowDegraded,
      holdServices: !options.check,
      sink,
      redactor: ctx.redactor,
      circuits: loadCircuits(db),
      freshness: freshnessOptions(config, stateDir, db, force),
      circuitReset: (stage) => circuitResetCommand(stage, analysis.location.shown, options.stateDir),
      onDiskFull: diskFull,
    }));
    current.run = handle;

    interrupt = (signal) => handle.interrupt(signal);
    if (early) handle.interrupt(early);
    const stopGuard = guardAgainstBugs(sink, handle, (error) => {
      const full = diskFullError(databasePath(stateDir), error);
      diskFull(full);
      return full;
    });
    // `status`, `restart`, `stop` and `down` from another terminal reach this run here.
    const server = await startControlServer({ stateDir, runId, detached: Boolean(relay), control: handle.control, redactor: ctx.redactor, warn: err });
    try {
      const { exitCode } = await handle.done;
      await health?.close();
      const recorded = finishRecord(recorder, stateDir);
      await renderer.close();
      if (options.junit && recorded) {
        const row = findRun(db, runId);
        if (row) writeFileSync(options.junit, renderJunit(runDetails(db, row, stateDir)));
      }
      if (recorded) applyRetention(db, stateDir, config.settings.retention);
      if (recorded && config.settings.reportStore === "postgres" && config.settings.coordination) await copyToReportStore(db, config.settings.coordination);
      return exitCode;
    } finally {
      interrupt = () => undefined; // the run is over: a late signal changes nothing
      server.close();
      await watcher?.close();
      stopGuard();
    }
  } finally {
    ctx.close();
  }
}

// The disk filled up: say it once, with the path and the room left, and give back the
// reserve so that the run's end can still be recorded and the lock released.
function diskFullReporter(stateDir: string): (error: DiskFullError) => void {
  let said = false;
  return (error) => {
    if (said) return;
    said = true;
    const freed = releaseReserve(stateDir);
    err(`error: ${error.message}`);
    err(`hint: ${DISK_FULL_HINT}`);
    err(`Stopping everything that was started${freed ? "; the space kept in reserve is used to record the run" : ""}.`);
  };
}

// The run's last rows. On a full disk (even after the reserve) they are lost, which is
// said; the exit code stays the run's.
function finishRecord(recorder: RunRecorder, stateDir: string): boolean {
  try {
    recorder.close();
    return true;
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    err(`warning: the end of the run could not be recorded in ${databasePath(stateDir)}: ${diskFullError(databasePath(stateDir), error).message}`);
    return false;
  }
}

// Retention is housekeeping: when it fails (a log folder that cannot be removed, a
// database that refuses the delete), the run it follows has still succeeded or failed
// on its own — a warning, never the run's exit code.
function applyRetention(db: Db, stateDir: string, retention: { runs: number; days: number }): void {
  try {
    for (const problem of prune(db, stateDir, retention).problems) err(`warning: retention: ${problem}`);
  } catch (error) {
    err(`warning: retention (settings.retention) could not be applied: ${error instanceof Error ? error.message : String(error)}; \`netra-start prune\` tries again`);
  }
}

// settings.report_store: postgres. Like retention, housekeeping after the run: a warning
// when the database will not take the rows, never the run's exit code (docs/fleet.md).
async function copyToReportStore(db: Db, coordination: Coordination): Promise<void> {
  const { copyRunsToReportStore } = await import("../../fleet/report-store.js");
  const { fleetHostName } = await import("../../fleet/fleet-host.js");
  const outcome = await copyRunsToReportStore(db, coordination, fleetHostName());
  if (!outcome.ok) err(outcome.warning);
}

// An output path that cannot be written is a usage error before anything runs, not a
// failure after a successful run.
function checkWritableFile(file: string, flag: string): void {
  const full = path.resolve(file);
  if (existsSync(full) && statSync(full).isDirectory()) throw new UsageError(`${flag} ${file} is a directory`, `give a file name, e.g. ${flag} ${path.join(file, "startup.xml")}`);
  try {
    accessSync(path.dirname(full), constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${file}: cannot write in ${path.dirname(full)} (missing or not writable)`, `create the folder first, or choose another path`);
  }
}

// SIGINT, SIGTERM and SIGHUP all tear down (a closed terminal must not orphan services).
function onSignals(interrupt: (signal: InterruptSignal) => void): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => interrupt(signal));
}

// An exception nobody caught, anywhere in this process, during a run: if a renderer
// threw it on its own timer, that renderer is replaced; otherwise it is a bug — say so
// once, stop, tear everything down and record the run as failed (exit 70). A teardown
// that cannot finish is bounded: the process exits with 70 anyway.
function guardAgainstBugs(sink: EventSink, handle: RunHandle, onDiskFull: (error: unknown) => DiskFullError): () => void {
  let reported = false;
  const onError = (error: unknown) => {
    if (sink.failAsync(error)) return;
    // The report database could not commit for lack of space: not a bug, said as what it is.
    if (isDiskFull(error) || error instanceof DiskFullError) {
      if (!reported) setTimeout(() => process.exit(INTERNAL_ERROR_EXIT), TEARDOWN_BOUND_MS).unref();
      reported = true;
      return handle.abort(onDiskFull(error));
    }
    if (!reported) {
      reported = true;
      err(`internal error: ${error instanceof Error ? error.message : String(error)}`);
      err("This is a bug in netra-start; please report it with the output of DEBUG=netra-start. Stopping everything that was started.");
      if (debugEnabled() && error instanceof Error && error.stack) err(error.stack);
      setTimeout(() => process.exit(INTERNAL_ERROR_EXIT), TEARDOWN_BOUND_MS).unref();
    }
    handle.abort(error);
  };
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  return () => {
    process.off("uncaughtException", onError);
    process.off("unhandledRejection", onError);
  };
}

/** How long a teardown after a bug may take before the process gives up and exits 70. */
const TEARDOWN_BOUND_MS = 60_000;

// What a foreground run would print at its end, as things stand once the graph is ready:
// the summary `up --detach` shows before it returns (through the redaction boundary).
function readyNow(handle: RunHandle, redactor: Redactor, allowDegraded: boolean, startedAt: number): Extract<EngineEvent, { type: "run-finished" }> {
  const { status, results } = handle.control.outcome();
  const event: EngineEvent = { type: "run-finished", at: new Date().toISOString(), runId: handle.runId, status, exitCode: exitCodeFor(status, allowDegraded), durationMs: Date.now() - startedAt, results, rolledBack: false, note: undefined };
  return redactEvent(event, redactor) as typeof event;
}

async function startWatching(stages: readonly Stage[], stateDir: string, onChange: (stage: string, file: string) => void): Promise<StageWatcher | undefined> {
  // Loaded only for --watch: chokidar and picomatch would add to every `up`'s start-up.
  const { watchStages } = await import("../../control/watch-stages.js");
  const watcher = await watchStages({ stages, ignoreDirs: [stateDir], onChange, onError: (message) => err(`warning: --watch: ${message}`) });
  if (!watcher) err("warning: --watch: no stage has `watch:` globs, so nothing is watched");
  return watcher;
}

// A watched file changed: the stage restarts through the control entry point, which says
// which file (`restart requested by a change to src/app.ts`). Refused while the run is
// still starting up or stopping: said, and the change is not queued.
function restartForChange(handle: RunHandle | undefined, stage: string, file: string): void {
  if (!handle) return;
  void handle.control.restart([stage], `a change to ${file}`).then((outcomes) => {
    for (const o of outcomes) if (!o.ok) err(`--watch: ${file} changed, ${o.stage} not restarted: ${o.error}`);
  });
}
