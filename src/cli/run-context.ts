// What `up` and `down` share, built once per invocation: the config, the state dir, the
// database under the lock (or exit 4), recovery of runs whose supervisor died, and the
// one redactor every byte bound for the terminal, the logs and the database passes.
import { hostname } from "node:os";
import type { Analysis } from "../config/analyze.js";
import type { Config } from "../config/types.js";
import { ConsumerError, createEventSink, type Consumer, type EventSink } from "../engine/event-sink.js";
import type { EngineEvent } from "../engine/events.js";
import { Redactor, secretsFromEnv } from "../redact/redactor.js";
import type { Db } from "../store/database.js";
import { describeHolder, openSession } from "../store/session.js";
import { resolveStateDir, type CommonOptions } from "./options.js";
import { ExitCode, ExitError } from "./exit.js";
import { debugEnabled, err } from "./io.js";

export interface RunContext {
  config: Config;
  analysis: Analysis;
  stateDir: string;
  db: Db;
  redactor: Redactor;
  /** Releases the lock and closes the database; safe to call twice. */
  close(): void;
}

// The config is loaded by the command first (it may stop there: a bad stage name, --dry-run).
export async function openRunContext(
  loaded: { config: Config; analysis: Analysis },
  options: CommonOptions,
  command: string,
  lock: { waitMs: number; runId?: string; hint: string; forceUnlock?: boolean },
): Promise<RunContext> {
  const { config, analysis } = loaded;
  const stateDir = resolveStateDir(options, config.path);
  const session = await openSession(stateDir, { command, waitMs: lock.waitMs, runId: lock.runId ?? null, forceUnlock: lock.forceUnlock });
  if (!session.ok) {
    const { holder } = session;
    if (session.forceRefused) {
      err(`refusing --force-unlock on ${stateDir}: the lock is held by ${describeHolder(holder)}, which is still running on this host`);
      err(`hint: stop it first (Ctrl-C in its terminal, or kill ${holder.pid}); a run that dies leaves a lock the next run takes over by itself`);
    } else {
      err(`another run holds the lock on ${stateDir}: ${describeHolder(holder)}`);
      // A holder on another machine cannot be checked from here: it may be long gone.
      err(`hint: ${lock.hint}${holder.host === hostname() ? "" : `; if that run on ${holder.host} is gone, \`netra-start ${command.split(" ")[0]} --force-unlock\` removes its lock`}`);
    }
    throw new ExitError(ExitCode.locked);
  }
  if (session.forced) err(`warning: --force-unlock removed the lock held by ${describeHolder(session.forced)}`);
  if (session.takenOver) err(`warning: took over the lock from ${describeHolder(session.takenOver)}, which is no longer running`);
  for (const a of session.abandoned)
    err(`warning: run ${a.runId} (pid ${a.pid}) was abandoned by its supervisor; recorded as abandoned${a.stoppedGroups.length ? `, ended ${a.stoppedGroups.length} process group(s) it left running` : ""}`);
  // Secrets known before anything runs: secret-looking variables of the supervisor's and
  // every stage's environment, and `settings.secrets`. Outputs add more during the run.
  const redactor = new Redactor(secretsFromEnv([process.env, config.dotenv, ...config.stages.map((s) => s.env)], config.settings.secrets));
  return { config, analysis, stateDir, db: session.db, redactor, close: () => releaseOrSay(session.close, stateDir) };
}

// Releasing the lock is a write: on a full disk even that can fail. It is then said,
// not thrown over the run's own exit code — and on this host the lock is not stuck: its
// holder (this process) is about to end, and the next run takes it over.
function releaseOrSay(close: () => void, stateDir: string): void {
  try {
    close();
  } catch (error) {
    err(`warning: could not release the lock on ${stateDir} (${describe(error)}); the next run on ${hostname()} takes it over once this process has ended`);
  }
}

// The redaction boundary in front of every consumer. A consumer that fails is reported
// once on stderr (with its stack under DEBUG=netra-start) and replaced or switched off.
export function createRunSink(ctx: RunContext, consumers: Consumer[]): EventSink {
  const fault = injectedFault(process.env);
  const sink = createEventSink({
    redactor: ctx.redactor,
    consumers,
    onFailure: (name, error, replacement) => {
      err(`warning: ${name} failed and ${replacement ? `was replaced by ${replacement}` : "was switched off"}; the run goes on (${describe(error)})`);
      if (debugEnabled() && error instanceof Error && error.stack) err(error.stack);
    },
    // The live view draws on its own timer: an error thrown there says whose it is.
    ownerOf: (error) => (error instanceof ConsumerError ? error.consumer : undefined),
  });
  if (!fault) return sink;
  let fired = false;
  const faulty = ((event: EngineEvent) => {
    sink(event);
    if (fired || event.type !== fault.type || (fault.stage && !("stage" in event && event.stage === fault.stage))) return;
    fired = true;
    throw new Error(`injected fault after ${fault.type}`);
  }) as EventSink;
  faulty.failAsync = sink.failAsync;
  return faulty;
}

// NETRA_START_FAULT=<event-type>[:<stage>] makes the engine's emit throw right after that
// event: how the tests prove that a bug anywhere still tears down, records and exits 70.
function injectedFault(env: NodeJS.ProcessEnv): { type: string; stage: string | undefined } | undefined {
  const spec = env.NETRA_START_FAULT;
  if (!spec) return undefined;
  const [type, stage] = spec.split(":");
  return { type: type as string, stage };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
