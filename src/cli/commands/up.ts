// `netra-start up`: load, plan, take the state dir's lock, run with live output while
// recording everything, apply retention, exit with the run's code.
import { accessSync, constants, existsSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseDuration } from "../../config/duration.js";
import type { EventSink } from "../../engine/event-sink.js";
import { INTERNAL_ERROR_EXIT, newRunId, startRun, type RunHandle } from "../../engine/run.js";
import type { InterruptSignal } from "../../engine/run-state.js";
import { buildPlan, selectStages } from "../../graph/plan.js";
import { renderJunit } from "../../output/junit.js";
import { createStepSummary } from "../../output/github.js";
import { createRenderer } from "../../output/renderer.js";
import { loadCircuits, resetCircuits } from "../../store/circuits.js";
import { durationEstimates, findRun, prune, runDetails } from "../../store/queries.js";
import { RunRecorder } from "../../store/recorder.js";
import { resolveOutputMode, type CommonOptions } from "../options.js";
import { loadConfigOrExit } from "../load-config.js";
import { createRunSink, openRunContext } from "../run-context.js";
import { ExitCode, UsageError } from "../exit.js";
import { debugEnabled, err, out } from "../io.js";

export interface UpOptions extends CommonOptions {
  concurrency?: string;
  rollback?: boolean;
  allowDegraded?: boolean;
  check?: boolean;
  dryRun?: boolean;
  junit?: string;
  waitLock?: string;
  resetCircuits?: boolean;
}

function parseConcurrency(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`-j/--concurrency must be a whole number ≥ 1, got "${value}"`);
  return n;
}

export function parseWait(value: string | undefined): number {
  if (value === undefined) return 0;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`--wait-lock takes a duration like 30s or 2m, got "${value}"`);
  return ms;
}

export async function run(names: string[], options: UpOptions): Promise<number> {
  const loaded = loadConfigOrExit(options);
  const { config, analysis } = loaded;
  const selection = selectStages(config, names);
  if (!selection.ok) throw new UsageError(`unknown stage "${selection.unknown}"`, selection.hint ?? "run `netra-start plan` to list the stages");
  const concurrency = parseConcurrency(options.concurrency, config.settings.concurrency);
  const mode = resolveOutputMode(options.output);
  const waitMs = parseWait(options.waitLock);

  if (options.dryRun) {
    const plan = buildPlan(selection.stages);
    const order = plan.order.map((i) => plan.stages[i]?.name as string);
    if (mode === "json") out(JSON.stringify({ type: "dry-run", config: analysis.location.shown, concurrency, order }));
    else {
      out(`dry run: ${order.length} stage${order.length === 1 ? "" : "s"} would start in this order (concurrency ${concurrency}); nothing was run`);
      order.forEach((name, n) => out(`${String(n + 1).padStart(4)}  ${name}`));
    }
    return ExitCode.ready;
  }

  if (options.junit) checkWritableFile(options.junit, "--junit");
  const runId = newRunId();
  const command = ["up", ...names].join(" ");
  const ctx = await openRunContext(loaded, options, command, { waitMs, runId, hint: "wait for it to finish, pass --wait-lock 30s, or use another --state-dir" });
  const { db, stateDir } = ctx;
  try {
    if (options.resetCircuits) {
      const reset = resetCircuits(db, undefined);
      if (reset.length > 0) err(`circuits reset: ${reset.join(", ")}`);
    }

    const plan = buildPlan(selection.stages, durationEstimates(db));
    const recorder = new RunRecorder(db, { configPath: config.path, configHash: config.hash, profile: config.profile, command }, stateDir);
    const lines = new Map(config.stages.map((s) => [s.name, s.line]));
    const renderer = await createRenderer(mode, process.env, { file: analysis.location.shown, lineOf: (stage) => lines.get(stage) ?? 0 });
    const summary = process.env.GITHUB_STEP_SUMMARY ? createStepSummary(process.env.GITHUB_STEP_SUMMARY, config.name) : undefined;
    // The record first: what the screen shows must already be in the database.
    const sink = createRunSink(ctx, [
      { name: "the report database", onEvent: (event) => recorder.onEvent(event) },
      renderer,
      ...(summary ? [{ name: "the GitHub step summary", onEvent: summary }] : []),
    ]);
    // Listen before the run starts: its first stages start, and are printed, before
    // startRun returns, and a signal in that window would kill this process outright and
    // leave them running. One that comes that early is passed on once the run exists.
    let early: InterruptSignal | undefined;
    let interrupt = (signal: InterruptSignal): void => {
      early ??= signal;
    };
    const stopSignals = onSignals((signal) => interrupt(signal));
    let handle: RunHandle;
    try {
      handle = startRun({
        config,
        plan,
        runId,
        stateDir,
        concurrency,
        rollback: options.rollback !== false && config.settings.rollback,
        allowDegraded: Boolean(options.allowDegraded),
        holdServices: !options.check,
        sink,
        redactor: ctx.redactor,
        circuits: loadCircuits(db),
      });
    } catch (error) {
      stopSignals();
      throw error;
    }
    interrupt = (signal) => handle.interrupt(signal);
    if (early) handle.interrupt(early);
    const stopGuard = guardAgainstBugs(sink, handle);
    try {
      const { exitCode } = await handle.done;
      recorder.close();
      await renderer.close();
      if (options.junit) {
        const recorded = findRun(db, runId);
        if (recorded) writeFileSync(options.junit, renderJunit(runDetails(db, recorded)));
      }
      prune(db, stateDir, config.settings.retention);
      return exitCode;
    } finally {
      stopSignals();
      stopGuard();
    }
  } finally {
    ctx.close();
  }
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
function onSignals(interrupt: (signal: InterruptSignal) => void): () => void {
  const signals: InterruptSignal[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const handlers = signals.map((signal) => [signal, () => interrupt(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

// An exception nobody caught, anywhere in this process, during a run: if a renderer
// threw it on its own timer, that renderer is replaced; otherwise it is a bug — say so
// once, stop, tear everything down and record the run as failed (exit 70). A teardown
// that cannot finish is bounded: the process exits with 70 anyway.
function guardAgainstBugs(sink: EventSink, handle: RunHandle): () => void {
  let reported = false;
  const onError = (error: unknown) => {
    if (sink.failAsync(error)) return;
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
