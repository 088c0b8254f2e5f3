// One stage, one run: attempts with preflight, the process, its health check, outputs,
// and backoff between attempts. Moves the stage through running and retrying in the
// RunState and reports what happens on the way; returns how it ended, and the caller
// (scheduler, supervisor) makes the final transition.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import type { Command, Coordination, HealthCheck, Stage } from "../config/types.js";
import { logPattern } from "../config/log-pattern.js";
import { moduleCommand } from "./module/command.js";
import type { HostResult } from "./module/host.js";
import { prepareModule, withModuleHooks, type PreparedModule } from "./module/stage.js";
import type { Redactor } from "../redact/redactor.js";
import { backoffDelay } from "./backoff.js";
import { admit, afterRun } from "./circuit-breaker.js";
import { describeFailure, isRetryable, type AttemptFailure } from "./failure.js";
import { waitHealthy } from "./health/wait-healthy.js";
import { learnOutputs, outputsToEnv, saveOutputs } from "./outputs.js";
import type { RunState } from "./run-state.js";
import { checkRequires } from "./preflight.js";
import { startProcess, type ProcessOutcome, type RunningProcess } from "./process/run-process.js";
import { StageLog } from "./process/stage-log.js";
import { outputsDir, stageLogPath, stageOutputFile } from "./run-paths.js";
import { diskFullError, isDiskFull, type DiskFullError } from "../util/disk-full.js";
import { stopService } from "./stop-service.js";
import { handOutputFile } from "./process/output-file-owner.js";
import { stageUser } from "./process/user-identity.js";
import { deadline } from "../util/deadline.js";
import { sleep } from "../util/sleep.js";
import { isSecretName } from "../redact/redactor.js";
import type { Fingerprint } from "./freshness/fingerprint.js";
import { checkFreshness, isFingerprinted, type FreshnessOptions } from "./freshness/freshness.js";
import { writeRecordedOutputs } from "./freshness/state-files.js";

export interface StageRunContext {
  state: RunState;
  /** The stage's index in the RunState. */
  index: number;
  runId: string;
  logDir: string;
  baseEnv: NodeJS.ProcessEnv;
  redactor: Redactor;
  /** Output keys listed in settings.secrets are secret too. */
  secretNames: readonly string[];
  /** A log or outputs file could not be written for lack of space: the run stops. */
  onDiskFull: (error: DiskFullError) => void;
  /** Aborted when the run cancels this stage. */
  signal: AbortSignal;
  /** Outputs of every stage upstream of this one. */
  upstreamOutputs: ReadonlyMap<string, Record<string, string>>;
  /** Restarts of a service go on numbering attempts where the last episode stopped. */
  firstAttempt?: number;
  /** The command that closes a stage's circuit by hand, with this invocation's config and state dir. */
  circuitReset?: (stage: string) => string;
  /** Tasks with inputs/creates are skipped when up to date; absent, everything runs. */
  freshness?: FreshnessOptions;
  /** settings.coordination: `once: fleet` stages run through it (src/fleet/). */
  coordination?: Coordination;
}

/** A service that became ready: still running, probed for liveness, stopped at teardown. */
export interface ServiceHandle {
  pid: number | undefined;
  exited: Promise<ProcessOutcome>;
  /** What the supervisor probes after ready (liveness, else health), where and with what env. */
  liveness: { check: HealthCheck; cwd: string; env: NodeJS.ProcessEnv } | undefined;
  stop(): Promise<void>;
}

export type StageRunResult =
  /** `upToDate`: nothing ran (the reason shown); `outputs` are its last successful run's. */
  | { ok: true; attempts: number; outputs: Record<string, string>; service: ServiceHandle | undefined; cleanup: Command | undefined; logPath: string | undefined; upToDate?: string }
  | { ok: false; attempts: number; failure: AttemptFailure; error: string; tail: string[]; exitCode: number | undefined; logPath: string };

type AttemptResult =
  | { ok: true; outputs: Record<string, string>; service: ServiceHandle | undefined; cleanup: Command | undefined }
  | { ok: false; failure: AttemptFailure; tail: string[]; exitCode: number | undefined };

/** The live view shows a stage's latest line; more often than this is wasted work. */
const OUTPUT_EVENT_INTERVAL_MS = 150;

export async function runStage(stage: Stage, ctx: StageRunContext): Promise<StageRunResult> {
  if (stage.once !== "fleet" || !ctx.coordination) return runStageHere(stage, ctx);
  // Loaded only for a fleet stage: a run without one loads neither this nor `pg`.
  const { runOnceInFleet } = await import("../fleet/run-once.js");
  return runOnceInFleet(stage, { ...ctx, coordination: ctx.coordination }, (signal) => runStageHere(stage, { ...ctx, signal }));
}

async function runStageHere(stage: Stage, ctx: StageRunContext): Promise<StageRunResult> {
  const { state } = ctx;
  const verdict = ctx.freshness && ctx.firstAttempt === undefined && isFingerprinted(stage) ? checkFreshness(stage, ctx.upstreamOutputs, ctx.freshness) : undefined;
  if (verdict?.upToDate) return replayed(stage, verdict.outputs, verdict.reason, ctx);
  const log = new StageLog(stageLogPath(ctx.logDir, stage.name), ctx.redactor, ctx.onDiskFull);
  const admission = admit(state.circuit(stage.name), stage.circuitBreaker, Date.now());
  if (!admission.run) return fail(0, { reason: "circuit-open", until: clockTime(admission.until), reset: ctx.circuitReset?.(stage.name) }, [], undefined);
  if (admission.trial) state.setCircuit(stage, { ...state.circuit(stage.name), state: "half_open" }, "recovery time passed");
  // A half-open circuit lets exactly one trial attempt through.
  const first = ctx.firstAttempt ?? 1;
  const maxAttempts = first - 1 + (admission.trial ? 1 : stage.retries + 1);
  try {
    for (let attempt = first; ; attempt++) {
      if (ctx.signal.aborted) return fail(attempt - first, { reason: "cancelled" }, [], undefined);
      const startedAt = Date.now();
      state.transition(ctx.index, "running", { attempt, maxAttempts, ...(attempt === first && verdict ? { why: verdict.reason } : {}) });
      log.begin(`attempt ${attempt}/${maxAttempts}`);
      const result = await runAttempt(stage, attempt, ctx, log);
      if (result.ok) {
        // A restarted service has not succeeded by becoming ready again — only by staying
        // up (the supervisor closes its circuit after HEALTHY_RESET_MS); else a crash loop
        // would reset its circuit on every restart and never open it.
        if (!(stage.kind === "service" && first > 1)) state.setCircuit(stage, afterRun(state.circuit(stage.name), stage.circuitBreaker, true, Date.now()), "stage succeeded");
        if (verdict?.fingerprint && ctx.freshness) recordFingerprint(stage, verdict.fingerprint, result.outputs, ctx.freshness.dir, ctx);
        return { ok: true, attempts: attempt - first + 1, outputs: result.outputs, service: result.service, cleanup: result.cleanup, logPath: log.written || stage.kind === "service" ? log.path : undefined };
      }

      const error = describeFailure(result.failure);
      log.mark(`attempt ${attempt}/${maxAttempts} failed: ${error}`);
      state.report({ type: "attempt-failed", stage: stage.name, attempt, maxAttempts, durationMs: Date.now() - startedAt, failure: result.failure, error });
      if (attempt >= maxAttempts || !isRetryable(result.failure) || ctx.signal.aborted) return failedRun(attempt - first + 1, result);

      // Retries count from this episode's first attempt (a service restart starts over).
      const delayMs = backoffDelay(stage.backoff, attempt - first + 1);
      state.transition(ctx.index, "retrying", { nextAttempt: attempt + 1, maxAttempts, delayMs });
      await sleep(delayMs, ctx.signal);
    }
  } finally {
    log.close();
  }

  // The stage failed this run: that counts once against its circuit — unless the run was
  // cancelled under it, which says nothing about the stage.
  function failedRun(attempts: number, result: Extract<AttemptResult, { ok: false }>): Extract<StageRunResult, { ok: false }> {
    const failed = fail(attempts, result.failure, result.tail, result.exitCode);
    if (result.failure.reason === "cancelled" || ctx.signal.aborted) return failed;
    const circuit = afterRun(state.circuit(stage.name), stage.circuitBreaker, false, Date.now());
    state.setCircuit(stage, circuit, circuit.state === "open" ? "failure threshold reached" : "stage failed");
    if (circuit.state !== "open") return failed;
    const until = clockTime((circuit.openedAt as number) + stage.circuitBreaker.recoveryMs);
    const reset = ctx.circuitReset ? ` (to try sooner: ${ctx.circuitReset(stage.name)})` : "";
    const runs = circuit.consecutiveFailures === 1 ? "failed run" : `consecutive failed runs`;
    return { ...failed, error: `${failed.error}; circuit opened after ${circuit.consecutiveFailures} ${runs}, next try after ${until}${reset}` };
  }

  function fail(attempts: number, failure: AttemptFailure, tail: string[], exitCode: number | undefined): Extract<StageRunResult, { ok: false }> {
    return { ok: false, attempts, failure, error: describeFailure(failure), tail, exitCode, logPath: log.path };
  }
}

// Up to date: the outputs of its last successful run go to dependents as if it had run.
// Secret ones are learned first, so that no event or log shows them.
function replayed(stage: Stage, outputs: Record<string, string>, reason: string, ctx: StageRunContext): StageRunResult {
  for (const [key, value] of Object.entries(outputs)) if (isSecretName(key, ctx.secretNames)) ctx.redactor.add(value);
  return { ok: true, attempts: 0, outputs, service: undefined, cleanup: stage.cleanup, logPath: undefined, upToDate: reason };
}

// A successful run of a task with inputs/creates: its outputs to the 0600 file first, then
// the fingerprint to the database (an event) — a fingerprint without its outputs never.
function recordFingerprint(stage: Stage, fingerprint: Fingerprint, outputs: Record<string, string>, dir: string, ctx: StageRunContext): void {
  try {
    writeRecordedOutputs(dir, stage.name, outputs);
  } catch (error) {
    if (isDiskFull(error)) ctx.onDiskFull(diskFullError(dir, error));
    return; // not recorded: the next run runs it again
  }
  ctx.state.report({ type: "fingerprint-saved", stage: stage.name, fingerprint, outputKeys: Object.keys(outputs) });
}

/** "14:32:05": the contract's way of saying when an open circuit lets the next try through. */
export function clockTime(epochMs: number): string {
  return new Date(epochMs).toTimeString().slice(0, 8);
}

async function runAttempt(stage: Stage, attempt: number, ctx: StageRunContext, log: StageLog): Promise<AttemptResult> {
  const outputFile = stageOutputFile(ctx.logDir, stage.name);
  // The stage creates the file if it has outputs; only a retry must clear the last try's.
  // (Whatever a stage left there — even a directory — must not stop the next attempt.)
  if (attempt > 1) rmSync(outputFile, { force: true, recursive: true });
  const folderGone = ensureOutputsDir(ctx);
  if (folderGone) return { ok: false, failure: folderGone, tail: [], exitCode: undefined };
  const env: NodeJS.ProcessEnv = {
    ...ctx.baseEnv,
    ...stage.env,
    ...outputsToEnv(ctx.upstreamOutputs),
    NETRA_RUN_ID: ctx.runId,
    NETRA_STAGE: stage.name,
    NETRA_ATTEMPT: String(attempt),
    NETRA_OUTPUT: outputFile,
  };
  const user = stageUser(stage.user);
  if (user) handOutputFile(outputFile, user);
  const unmet = hasRequirements(stage) ? await checkRequires(stage.requires, env) : undefined;
  if (unmet) return { ok: false, failure: unmet, tail: [], exitCode: undefined };
  const module = stage.runner.type === "module" ? prepareModule(stage, stage.runner.module, attempt, ctx, env) : undefined;
  const command = module ? moduleCommand("init", module.path) : (stage.runner as { command: Command }).command;

  const outputPattern = stage.health?.probe.type === "log" ? logPattern(stage.health.probe.pattern) : undefined;
  let logMatched = false;
  let lastEmit = 0;
  const isService = stage.kind === "service";
  const onLine = (line: string) => {
    if (outputPattern && !logMatched && outputPattern.test(line)) logMatched = true;
    // Services stream every line, prefixed, like `docker compose up`.
    if (isService) ctx.state.report({ type: "service-output", stage: stage.name, line });
    const t = Date.now();
    if (t - lastEmit >= OUTPUT_EVENT_INTERVAL_MS) {
      lastEmit = t;
      ctx.state.report({ type: "stage-output", stage: stage.name, line });
    }
  };
  const run = startProcess({
    command,
    cwd: stage.cwd,
    env,
    timeoutMs: isService ? undefined : stage.timeoutMs,
    killTimeoutMs: stage.killTimeoutMs,
    signal: ctx.signal,
    log,
    redactor: ctx.redactor,
    onLine,
    user,
  });
  if (run.pid !== undefined) ctx.state.report({ type: "process-started", stage: stage.name, attempt, role: "stage", pgid: run.pid });

  if (!isService) {
    const outcome = await run.outcome;
    const hosted = module?.result();
    const failure = module ? moduleFailure(hosted, outcome, stage.timeoutMs) : failureOf(outcome, stage.timeoutMs);
    if (failure) {
      // Outputs written before it failed are secrets all the same: learn them, and mask
      // what the stage printed of them before we knew.
      if (learnOutputs(stage.name, outputFile, hosted?.outputs, ctx).learned) log.redactAgain();
      return { ok: false, failure, tail: run.lines.lastLines().map((l) => ctx.redactor.redact(l)), exitCode: outcome.kind === "exit" ? outcome.exitCode : undefined };
    }
    const effective = module ? withModuleHooks(stage, module.path, hosted) : stage;
    const health = await checkHealth(effective, ctx, env, () => logMatched, undefined);
    if (health) return { ok: false, failure: health, tail: run.lines.lastLines(), exitCode: 0 };
    const saved = saveOutputs(stage, outputFile, hosted?.outputs, ctx);
    if (saved.learned) log.redactAgain();
    if (saved.tooLarge) return { ok: false, failure: saved.tooLarge, tail: run.lines.lastLines().map((l) => ctx.redactor.redact(l)), exitCode: 0 };
    if (saved.collision) return { ok: false, failure: { reason: "output-collision", message: saved.collision }, tail: run.lines.lastLines().map((l) => ctx.redactor.redact(l)), exitCode: 0 };
    return { ok: true, outputs: saved.outputs, service: undefined, cleanup: effective.cleanup };
  }
  return awaitServiceReady(stage, module, ctx, env, run, log, () => logMatched);
}

// A service is ready when its health check passes (at once without one); exiting first,
// or not being healthy within `timeout`, fails the attempt and stops what it started.
// The deadline is a timer we own (util/deadline.ts), not AbortSignal.timeout.
// A module service has started once its init() has returned (its host runs on, on what
// init started): then its health() decides when the stage has no `health:`, and what
// init() returned are its outputs.
async function awaitServiceReady(
  stage: Stage,
  module: PreparedModule | undefined,
  ctx: StageRunContext,
  env: NodeJS.ProcessEnv,
  run: RunningProcess,
  log: StageLog,
  logMatched: () => boolean,
): Promise<AttemptResult> {
  const limit = deadline(ctx.signal, stage.timeoutMs);
  const { signal } = limit;
  const stopAndFail = async (failure: AttemptFailure): Promise<AttemptResult> => {
    run.stop();
    await run.outcome;
    // Cut short by `timeout` (not by the run): that is the failure, whatever was waited on.
    const timedOut = limit.expired() && !ctx.signal.aborted && failure.reason !== "outputs-too-large" && failure.reason !== "output-collision";
    return { ok: false, failure: timedOut ? { reason: "timeout", timeoutMs: stage.timeoutMs } : failure, tail: run.lines.lastLines().map((l) => ctx.redactor.redact(l)), exitCode: undefined };
  };
  try {
    const started = module ? await moduleStarted(stage, module, run, signal) : { stage, outputs: undefined };
    if ("failure" in started) return await stopAndFail(started.failure);
    const unhealthy = await checkHealth(started.stage, { ...ctx, signal }, env, logMatched, run.outcome);
    if (unhealthy) return await stopAndFail(unhealthy);
    const saved = saveOutputs(stage, env.NETRA_OUTPUT as string, started.outputs, ctx);
    if (saved.learned) log.redactAgain();
    if (saved.tooLarge) return await stopAndFail(saved.tooLarge);
    if (saved.collision) return await stopAndFail({ reason: "output-collision", message: saved.collision });
    // A module's health() hook (no `health:` of its own) goes on as its liveness probe.
    const liveness = stage.liveness ?? (started.stage.health?.probe.type === "log" ? undefined : started.stage.health);
    return { ok: true, outputs: saved.outputs, service: serviceHandle(stage, run, ctx, env, liveness), cleanup: started.stage.cleanup };
  } finally {
    limit.clear();
  }
}

type ModuleStart = { stage: Stage; outputs: Record<string, string> | undefined } | { failure: AttemptFailure };

async function moduleStarted(stage: Stage, module: PreparedModule, run: RunningProcess, signal: AbortSignal): Promise<ModuleStart> {
  const hosted = await module.settled(run.outcome, signal);
  if (hosted?.ok) return { stage: withModuleHooks(stage, module.path, hosted), outputs: hosted.outputs };
  if (hosted) return { failure: { reason: "module-error", message: hosted.message ?? "module failed" } };
  if (signal.aborted) return { failure: { reason: "cancelled" } }; // a timeout is told apart by the caller
  const outcome = await run.outcome;
  if (outcome.kind === "spawn-error") return { failure: { reason: "spawn-error", message: outcome.message } };
  return { failure: { reason: "exited-early", exitCode: outcome.kind === "exit" ? outcome.exitCode : null, signal: outcome.kind === "signal" ? outcome.signal : null } };
}

function serviceHandle(stage: Stage, run: RunningProcess, ctx: StageRunContext, env: NodeJS.ProcessEnv, liveness: HealthCheck | undefined): ServiceHandle {
  const { NETRA_MODULE_RESULT: _initResult, ...probeEnv } = env;
  let stopping: Promise<void> | undefined;
  return {
    pid: run.pid,
    exited: run.outcome,
    liveness: liveness && { check: liveness, cwd: stage.cwd, env: probeEnv },
    // Asked twice (a liveness restart and a teardown at once), it stops once.
    stop() {
      stopping ??= stopService(stage, run, { state: ctx.state, env, logDir: ctx.logDir, redactor: ctx.redactor });
      return stopping;
    },
  };
}

async function checkHealth(
  stage: Stage,
  ctx: StageRunContext,
  env: NodeJS.ProcessEnv,
  logMatched: () => boolean,
  exited: Promise<ProcessOutcome> | undefined,
): Promise<AttemptFailure | undefined> {
  if (!stage.health) return undefined;
  // A module's health() runs in a host of its own, which must not write over (or leave
  // behind) the result file of init()'s host.
  const { NETRA_MODULE_RESULT: _initResult, ...probeEnv } = env;
  const report = await waitHealthy({
    check: stage.health,
    probe: { cwd: stage.cwd, env: probeEnv, signal: ctx.signal, logMatched, user: stageUser(stage.user), onProcess: (pgid) => ctx.state.report({ type: "process-started", stage: stage.name, attempt: ctx.state.named(stage.name)?.attempts ?? 0, role: "health", pgid }) },
    exited,
    onCheck: (r) => ctx.state.report({ type: "health-check", stage: stage.name, ok: r.ok, check: r.check, maxChecks: r.maxChecks, durationMs: r.durationMs, detail: r.detail }),
  });
  if (report === "cancelled") return { reason: "cancelled" };
  if (report === "exited") {
    const outcome = await exited;
    return { reason: "exited-early", exitCode: outcome?.kind === "exit" ? outcome.exitCode : null, signal: outcome?.kind === "signal" ? outcome.signal : null };
  }
  return report.ok ? undefined : { reason: "health", detail: report.detail, checks: report.checks };
}

// An earlier stage may have deleted the run's folder (cleaning `.netra/logs`): the
// outputs this stage writes, which its dependents need, must not vanish into a missing
// folder. Recreated when gone; when it cannot be, the attempt fails saying why. The
// check is one access(2) per attempt (about half of what a recursive mkdir of an
// existing folder costs, measured here), small beside a spawn.
function ensureOutputsDir(ctx: StageRunContext): AttemptFailure | undefined {
  const dir = outputsDir(ctx.logDir);
  if (existsSync(dir)) return undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return undefined;
  } catch (error) {
    if (isDiskFull(error)) ctx.onDiskFull(diskFullError(dir, error));
    return { reason: "spawn-error", message: `cannot create ${dir} for its outputs: ${(error as Error).message}` };
  }
}

function hasRequirements({ requires: r }: Stage): boolean {
  return r.env.length + r.commands.length + r.files.length + r.ports.length + r.tcp.length > 0 || r.disk !== undefined;
}

// What the module host said wins over how it exited; a host that exited 0 without
// saying anything did not finish init() (whatever ended it), so that is no success.
function moduleFailure(hosted: HostResult | undefined, outcome: ProcessOutcome, timeoutMs: number): AttemptFailure | undefined {
  if (hosted && !hosted.ok) return { reason: "module-error", message: hosted.message ?? "module failed" };
  const failure = failureOf(outcome, timeoutMs);
  if (failure || hosted) return failure;
  return { reason: "module-error", message: "exited before init() returned" };
}

function failureOf(outcome: ProcessOutcome, timeoutMs: number): AttemptFailure | undefined {
  switch (outcome.kind) {
    case "exit":
      return outcome.exitCode === 0 ? undefined : { reason: "exit-non-zero", exitCode: outcome.exitCode };
    case "signal":
      return { reason: "signal", signal: outcome.signal };
    case "timeout":
      return { reason: "timeout", timeoutMs };
    case "cancelled":
      return { reason: "cancelled" };
    case "spawn-error":
      return { reason: "spawn-error", message: outcome.message };
  }
}
