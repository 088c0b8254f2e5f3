// One stage, one run: attempts with preflight, the process, its health check, outputs,
// and backoff between attempts. Moves the stage through running and retrying in the
// RunState and reports what happens on the way; returns how it ended, and the caller
// (scheduler, supervisor) makes the final transition.
import { rmSync } from "node:fs";
import path from "node:path";
import type { Command, Stage } from "../config/types.js";
import { moduleCommand } from "./module/command.js";
import { prepareModule, withModuleHooks } from "./module/stage.js";
import type { Redactor } from "../redact/redactor.js";
import { backoffDelay } from "./backoff.js";
import { admit, afterAttempt } from "./circuit-breaker.js";
import { describeFailure, isRetryable, type AttemptFailure } from "./failure.js";
import { waitHealthy } from "./health/wait-healthy.js";
import { learnOutputs, outputsToEnv, saveOutputs } from "./outputs.js";
import type { RunState } from "./run-state.js";
import { checkRequires } from "./preflight.js";
import { startProcess, type ProcessOutcome, type RunningProcess } from "./process/run-process.js";
import { StageLog } from "./process/stage-log.js";
import { terminateGroup } from "./process/process-group.js";
import { sleep } from "../util/sleep.js";

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
  /** Aborted when the run cancels this stage. */
  signal: AbortSignal;
  /** Outputs of every stage upstream of this one. */
  upstreamOutputs: ReadonlyMap<string, Record<string, string>>;
  /** Restarts of a service go on numbering attempts where the last episode stopped. */
  firstAttempt?: number;
}

/** A service that became ready: still running, stopped at teardown. */
export interface ServiceHandle {
  pid: number | undefined;
  exited: Promise<ProcessOutcome>;
  stop(): Promise<void>;
}

export type StageRunResult =
  | { ok: true; attempts: number; outputs: Record<string, string>; service: ServiceHandle | undefined; cleanup: Command | undefined; logPath: string }
  | { ok: false; attempts: number; failure: AttemptFailure; error: string; tail: string[]; exitCode: number | undefined; logPath: string };

type AttemptResult =
  | { ok: true; outputs: Record<string, string>; service: ServiceHandle | undefined; cleanup: Command | undefined }
  | { ok: false; failure: AttemptFailure; tail: string[]; exitCode: number | undefined };

/** The live view shows a stage's latest line; more often than this is wasted work. */
const OUTPUT_EVENT_INTERVAL_MS = 150;

export async function runStage(stage: Stage, ctx: StageRunContext): Promise<StageRunResult> {
  const { state } = ctx;
  const log = new StageLog(path.join(ctx.logDir, `${stage.name}.log`), ctx.redactor);
  const admission = admit(state.circuit(stage.name), stage.circuitBreaker, Date.now());
  if (!admission.run) return fail(0, { reason: "circuit-open", until: clockTime(admission.until) }, [], undefined);
  if (admission.trial) state.setCircuit(stage, { ...state.circuit(stage.name), state: "half_open" }, "recovery time passed");
  // A half-open circuit lets exactly one trial attempt through.
  const first = ctx.firstAttempt ?? 1;
  const maxAttempts = first - 1 + (admission.trial ? 1 : stage.retries + 1);
  try {
    for (let attempt = first; ; attempt++) {
      if (ctx.signal.aborted) return fail(attempt - first, { reason: "cancelled" }, [], undefined);
      const startedAt = Date.now();
      state.transition(ctx.index, "running", { attempt, maxAttempts });
      log.mark(`attempt ${attempt}/${maxAttempts}`);
      const result = await runAttempt(stage, attempt, ctx, log);
      // A restarted service has not succeeded by becoming ready again — only by staying
      // up (the supervisor closes its circuit after HEALTHY_RESET_MS); else a crash loop
      // would reset its circuit on every restart and never open it.
      const restartedService = result.ok && stage.kind === "service" && first > 1;
      const counts = !restartedService && (result.ok || result.failure.reason !== "cancelled");
      const circuit = counts ? afterAttempt(state.circuit(stage.name), stage.circuitBreaker, result.ok, Date.now()) : undefined;
      if (circuit) state.setCircuit(stage, circuit, result.ok ? "attempt succeeded" : circuit.state === "open" ? "failure threshold reached" : "attempt failed");
      if (result.ok) return { ok: true, attempts: attempt - first + 1, outputs: result.outputs, service: result.service, cleanup: result.cleanup, logPath: log.path };

      const error = describeFailure(result.failure);
      log.mark(`attempt ${attempt}/${maxAttempts} failed: ${error}`);
      state.report({ type: "attempt-failed", stage: stage.name, attempt, maxAttempts, durationMs: Date.now() - startedAt, failure: result.failure, error });
      if (circuit?.state === "open") {
        const until = clockTime((circuit.openedAt as number) + stage.circuitBreaker.recoveryMs);
        return { ...fail(attempt - first + 1, result.failure, result.tail, result.exitCode), error: `${error}; circuit opened after ${circuit.consecutiveFailures} consecutive failures, next try after ${until}` };
      }
      if (attempt >= maxAttempts || !isRetryable(result.failure) || ctx.signal.aborted) return fail(attempt - first + 1, result.failure, result.tail, result.exitCode);

      // Retries count from this episode's first attempt (a service restart starts over).
      const delayMs = backoffDelay(stage.backoff, attempt - first + 1);
      state.transition(ctx.index, "retrying", { nextAttempt: attempt + 1, maxAttempts, delayMs });
      await sleep(delayMs, ctx.signal);
    }
  } finally {
    log.close();
  }

  function fail(attempts: number, failure: AttemptFailure, tail: string[], exitCode: number | undefined): Extract<StageRunResult, { ok: false }> {
    return { ok: false, attempts, failure, error: describeFailure(failure), tail, exitCode, logPath: log.path };
  }
}

/** "14:32:05": the contract's way of saying when an open circuit lets the next try through. */
export function clockTime(epochMs: number): string {
  return new Date(epochMs).toTimeString().slice(0, 8);
}

async function runAttempt(stage: Stage, attempt: number, ctx: StageRunContext, log: StageLog): Promise<AttemptResult> {
  const outputFile = path.join(ctx.logDir, "outputs", `${stage.name}.env`);
  // The stage creates the file if it has outputs; only a retry must clear the last try's.
  // (Whatever a stage left there — even a directory — must not stop the next attempt.)
  if (attempt > 1) rmSync(outputFile, { force: true, recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...ctx.baseEnv,
    ...stage.env,
    ...outputsToEnv(ctx.upstreamOutputs),
    NETRA_RUN_ID: ctx.runId,
    NETRA_STAGE: stage.name,
    NETRA_ATTEMPT: String(attempt),
    NETRA_OUTPUT: outputFile,
  };
  const unmet = hasRequirements(stage) ? await checkRequires(stage.requires, env) : undefined;
  if (unmet) return { ok: false, failure: unmet, tail: [], exitCode: undefined };
  const module = stage.runner.type === "module" ? prepareModule(stage, stage.runner.module, attempt, ctx, env) : undefined;
  const command = module ? moduleCommand("init", module.path) : (stage.runner as { command: Command }).command;

  const logPattern = stage.health?.probe.type === "log" ? new RegExp(stage.health.probe.pattern) : undefined;
  let logMatched = false;
  let lastEmit = 0;
  const isService = stage.kind === "service";
  const onLine = (line: string) => {
    if (logPattern && !logMatched && logPattern.test(line)) logMatched = true;
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
  });
  if (run.pid !== undefined) ctx.state.report({ type: "process-started", stage: stage.name, attempt, role: "stage", pgid: run.pid });

  if (!isService) {
    const outcome = await run.outcome;
    const hosted = module?.result();
    const failure = hosted && !hosted.ok ? ({ reason: "module-error", message: hosted.message ?? "module failed" } as const) : failureOf(outcome, stage.timeoutMs);
    if (failure) {
      // Outputs written before it failed are secrets all the same: learn them, and mask
      // what the stage printed of them before we knew.
      if (learnOutputs(outputFile, hosted?.outputs, ctx).learned) log.redactAgain();
      return { ok: false, failure, tail: run.lines.lastLines().map((l) => ctx.redactor.redact(l)), exitCode: outcome.kind === "exit" ? outcome.exitCode : undefined };
    }
    const effective = module ? withModuleHooks(stage, module.path, hosted) : stage;
    const health = await checkHealth(effective, ctx, env, () => logMatched, undefined);
    if (health) return { ok: false, failure: health, tail: run.lines.lastLines(), exitCode: 0 };
    const saved = saveOutputs(stage, outputFile, hosted?.outputs, ctx);
    if (saved.learned) log.redactAgain();
    if (saved.collision) return { ok: false, failure: { reason: "output-collision", message: saved.collision }, tail: run.lines.lastLines(), exitCode: 0 };
    return { ok: true, outputs: saved.outputs, service: undefined, cleanup: effective.cleanup };
  }
  return awaitServiceReady(module ? withModuleHooks(stage, module.path, undefined) : stage, ctx, env, run, log, () => logMatched);
}

// A service is ready when its health check passes (at once without one); exiting first,
// or not being healthy within `timeout`, fails the attempt and stops what it started.
async function awaitServiceReady(stage: Stage, ctx: StageRunContext, env: NodeJS.ProcessEnv, run: RunningProcess, log: StageLog, logMatched: () => boolean): Promise<AttemptResult> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), stage.timeoutMs);
  const signal = AbortSignal.any([ctx.signal, deadline.signal]);
  try {
    const health = await checkHealth(stage, { ...ctx, signal }, env, logMatched, run.outcome);
    if (!health) {
      const saved = saveOutputs(stage, env.NETRA_OUTPUT as string, undefined, ctx);
      if (saved.learned) log.redactAgain();
      if (!saved.collision) return { ok: true, outputs: saved.outputs, service: serviceHandle(stage, run), cleanup: stage.cleanup };
      run.stop();
      await run.outcome;
      return { ok: false, failure: { reason: "output-collision", message: saved.collision }, tail: run.lines.lastLines(), exitCode: undefined };
    }
    run.stop();
    await run.outcome;
    const failure: AttemptFailure = deadline.signal.aborted && !ctx.signal.aborted ? { reason: "timeout", timeoutMs: stage.timeoutMs } : health;
    return { ok: false, failure, tail: run.lines.lastLines(), exitCode: undefined };
  } finally {
    clearTimeout(timer);
  }
}

function serviceHandle(stage: Stage, run: RunningProcess): ServiceHandle {
  return {
    pid: run.pid,
    exited: run.outcome,
    async stop() {
      if (run.pid !== undefined) await terminateGroup(run.pid, stage.killTimeoutMs);
      run.stop();
      await run.outcome;
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
  const report = await waitHealthy({
    check: stage.health,
    probe: { cwd: stage.cwd, env, signal: ctx.signal, logMatched, onProcess: (pgid) => ctx.state.report({ type: "process-started", stage: stage.name, attempt: ctx.state.named(stage.name)?.attempts ?? 0, role: "health", pgid }) },
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

function hasRequirements({ requires: r }: Stage): boolean {
  return r.env.length + r.commands.length + r.files.length + r.ports.length + r.tcp.length > 0 || r.disk !== undefined;
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
