// `once: fleet`: of all hosts that start the same stage (same scope, name, fingerprint),
// the one holding its advisory lock runs it and records the result in PostgreSQL; the
// others wait on the lock (blocked in the server, not polling) and then take what was
// recorded. A holder that dies releases the lock with its session; the next waiter finds
// no result and runs the stage itself. docs/fleet.md tells the whole story.
import type { Coordination, Stage } from "../config/types.js";
import type { RunState } from "../engine/run-state.js";
import type { StageRunResult } from "../engine/stage-runner.js";
import type { Redactor } from "../redact/redactor.js";
import { isSecretName } from "../redact/redactor.js";
import { formatDuration } from "../config/duration.js";
import { CoordinationSession } from "./coordination-session.js";
import { fleetHostName } from "./fleet-host.js";
import { migrateFleetSchema } from "./fleet-schema.js";
import { onceKey } from "./once-key.js";
import { OnceLock, type RecordedResult } from "./once-lock.js";

export interface FleetRunContext {
  coordination: Coordination;
  state: RunState;
  index: number;
  signal: AbortSignal;
  baseEnv: NodeJS.ProcessEnv;
  redactor: Redactor;
  secretNames: readonly string[];
}

type Failed = Extract<StageRunResult, { ok: false }>;

export async function runOnceInFleet(stage: Stage, ctx: FleetRunContext, runHere: (signal: AbortSignal) => Promise<StageRunResult>): Promise<StageRunResult> {
  const host = fleetHostName(ctx.baseEnv);
  const opened = await CoordinationSession.open(ctx.coordination, host, ctx.signal);
  if (ctx.signal.aborted) return cancelled();
  if (!opened.ok) return failed(ctx, stage, opened.message);
  const session = opened.session;
  let doing = `preparing ${stage.name}`;
  try {
    const schema = await migrateFleetSchema(session);
    if (!schema.ok) return failed(ctx, stage, schema.message);
    const lock = new OnceLock(session, onceKey(ctx.coordination.scope, stage));
    const first = await lock.tryTake();
    let waitedSince: Date | undefined;
    if (!first.taken) {
      waitedSince = first.since;
      const holder = await lock.holder();
      doing = `waiting for ${holder} to finish ${stage.name}`;
      ctx.state.report({ type: "fleet-waiting", stage: stage.name, holder, scope: ctx.coordination.scope });
      const waited = await lock.wait(stage.onceTimeoutMs, ctx.signal);
      if (!waited.ok && waited.why === "cancelled") return cancelled();
      if (!waited.ok && waited.why === "timeout")
        return failed(ctx, stage, `gave up ${doing} after ${formatDuration(stage.onceTimeoutMs)} (stages.${stage.name}.once_timeout); raise once_timeout, or look at ${holder}'s log: it still holds ${stage.name}`);
      if (!waited.ok) return failed(ctx, stage, session.lostMessage(doing, waited.error));
    }
    doing = `recording ${stage.name}'s result`;
    const recorded = await lock.recorded();
    if (recorded?.status === "ready") return adopt(ctx, stage, recorded);
    // A failure recorded while this host waited is the holder's answer to it; an older
    // one (or a holder that died: status still `running`) is no answer: run it here.
    if (recorded?.status === "failed" && waitedSince && recorded.finishedAt && recorded.finishedAt >= waitedSince) return adopt(ctx, stage, recorded);
    await lock.markRunning(host);
    const result = await runHoldingLock(session.lost, ctx.signal, runHere);
    if (session.lost.aborted) return { ...asFailed(ctx, stage, result), ...failure(session.lostMessage(`running ${stage.name} (it was stopped here; another host may run it)`)) };
    // Interrupted here: no result to share; the row stays `running`, the next host runs it.
    if (ctx.signal.aborted) return result;
    const shared = refuseSecretOutputs(stage, result, ctx.secretNames);
    await lock.record(shared.ok ? { status: "ready", outputs: shared.outputs } : { status: "failed", error: ctx.redactor.redact(shared.error) });
    await lock.release();
    return shared;
  } catch (error) {
    if (ctx.signal.aborted) return cancelled();
    return failed(ctx, stage, session.failureMessage(doing, error));
  } finally {
    await session.close();
  }
}

// The stage runs with a signal that also fires when the session (and so the lock) is
// lost: a host that no longer holds the lock must stop, since another may now start it.
async function runHoldingLock(lost: AbortSignal, runSignal: AbortSignal, runHere: (signal: AbortSignal) => Promise<StageRunResult>): Promise<StageRunResult> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  lost.addEventListener("abort", stop, { once: true });
  runSignal.addEventListener("abort", stop, { once: true });
  try {
    return await runHere(controller.signal);
  } finally {
    lost.removeEventListener("abort", stop);
    runSignal.removeEventListener("abort", stop);
  }
}

// Secret outputs are refused, not stored: PostgreSQL would hold them in clear, and a
// masked value is of no use to the hosts that take the result. The stage fails on every
// host with the same words.
function refuseSecretOutputs(stage: Stage, result: StageRunResult, secretNames: readonly string[]): StageRunResult {
  if (!result.ok) return result;
  const secret = Object.keys(result.outputs).filter((key) => isSecretName(key, secretNames));
  if (secret.length === 0) return result;
  const message = `once: fleet stage ${stage.name} wrote secret output${secret.length === 1 ? "" : "s"} ${secret.join(", ")}; they are not shared through PostgreSQL — let the stages that need ${secret.length === 1 ? "it" : "them"} read ${secret.length === 1 ? "it" : "them"} from their own environment, or rename non-secret keys`;
  return { ok: false, attempts: result.attempts, ...failure(message), tail: [], exitCode: undefined, logPath: result.logPath ?? "" };
}

// Taking the holder's result: the stage starts here (one attempt) and ends as it did there.
function adopt(ctx: FleetRunContext, stage: Stage, recorded: RecordedResult): StageRunResult {
  ctx.state.transition(ctx.index, "running", { attempt: 1, maxAttempts: 1 });
  if (recorded.status === "ready") return { ok: true, attempts: 1, outputs: recorded.outputs ?? {}, service: undefined, cleanup: undefined, logPath: undefined };
  return { ok: false, attempts: 1, ...failure(`${recorded.error ?? "failed"} (on ${recorded.host})`), tail: [], exitCode: undefined, logPath: "" };
}

function failure(message: string): Pick<Failed, "failure" | "error"> {
  return { failure: { reason: "coordination", message }, error: message };
}

function failed(ctx: FleetRunContext, stage: Stage, message: string): Failed {
  return { ok: false, attempts: ctx.state.named(stage.name)?.attempts ?? 0, ...failure(message), tail: [], exitCode: undefined, logPath: "" };
}

function asFailed(ctx: FleetRunContext, stage: Stage, result: StageRunResult): Failed {
  return result.ok ? failed(ctx, stage, "") : result;
}

function cancelled(): Failed {
  return { ok: false, attempts: 0, failure: { reason: "cancelled" }, error: "cancelled", tail: [], exitCode: undefined, logPath: "" };
}
