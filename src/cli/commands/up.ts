// `netra-start up`: load, plan, take the state dir's lock, run with live output while
// recording everything, apply retention, exit with the run's code.
import { writeFileSync } from "node:fs";
import { parseDuration } from "../../config/duration.js";
import { newRunId, startRun } from "../../engine/run.js";
import { buildPlan, selectStages } from "../../graph/plan.js";
import { renderJunit } from "../../output/junit.js";
import { createStepSummary } from "../../output/github.js";
import { createRenderer } from "../../output/renderer.js";
import { DbCircuitStore, resetCircuits } from "../../store/circuits.js";
import { durationEstimates, findRun, prune, runDetails } from "../../store/queries.js";
import { RunRecorder } from "../../store/recorder.js";
import { describeHolder, openSession } from "../../store/session.js";
import { resolveOutputMode, resolveStateDir, type CommonOptions } from "../options.js";
import { loadConfigOrExit } from "../load-config.js";
import { ExitCode, UsageError } from "../exit.js";
import { err, out } from "../io.js";

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
  const { config, analysis } = loadConfigOrExit(options);
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

  const stateDir = resolveStateDir(options, config.path);
  const runId = newRunId();
  const session = await openSession(stateDir, ["up", ...names].join(" "), waitMs, runId);
  if (!session.ok) {
    err(`another run holds the lock on ${stateDir}: ${describeHolder(session.holder)}`);
    err(`hint: wait for it to finish, pass --wait-lock 30s, or use another --state-dir`);
    return ExitCode.locked;
  }
  const { db } = session;
  try {
    if (session.takenOver) err(`warning: took over the lock from ${describeHolder(session.takenOver)}, which is no longer running`);
    for (const a of session.abandoned)
      err(`warning: run ${a.runId} (pid ${a.pid}) was abandoned by its supervisor; recorded as abandoned${a.stoppedGroups.length ? `, ended ${a.stoppedGroups.length} process group(s) it left running` : ""}`);
    if (options.resetCircuits) {
      const reset = resetCircuits(db, undefined);
      if (reset.length > 0) err(`circuits reset: ${reset.join(", ")}`);
    }

    const plan = buildPlan(selection.stages, durationEstimates(db));
    const recorder = new RunRecorder(db, { configPath: config.path, configHash: config.hash, profile: config.profile, command: ["up", ...names].join(" ") }, stateDir);
    const lines = new Map(config.stages.map((s) => [s.name, s.line]));
    const renderer = await createRenderer(mode, process.env, { file: analysis.location.shown, lineOf: (stage) => lines.get(stage) ?? 0 });
    const summary = process.env.GITHUB_STEP_SUMMARY ? createStepSummary(process.env.GITHUB_STEP_SUMMARY, config.name) : undefined;
    const handle = startRun({
      config,
      plan,
      runId,
      stateDir,
      concurrency,
      rollback: options.rollback !== false && config.settings.rollback,
      allowDegraded: Boolean(options.allowDegraded),
      holdServices: !options.check,
      circuits: new DbCircuitStore(db, runId),
      // The record first: what the screen shows must already be in the database.
      emit: (event) => {
        recorder.onEvent(event);
        renderer.onEvent(event);
        summary?.(event);
      },
    });
    const onSigint = () => handle.interrupt("SIGINT");
    const onSigterm = () => handle.interrupt("SIGTERM");
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigterm);
    try {
      const { exitCode } = await handle.done;
      recorder.flush();
      await renderer.close();
      if (options.junit) {
        const recorded = findRun(db, runId);
        if (recorded) writeFileSync(options.junit, renderJunit(runDetails(db, recorded)));
      }
      prune(db, stateDir, config.settings.retention);
      return exitCode;
    } finally {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
    }
  } finally {
    session.close();
  }
}
