// What a module stage's functions receive and may export. The package's public entry
// (src/index.ts) re-exports these; the engine imports them from here.
/** What a module stage's functions receive. */
export interface StageContext {
  /** This stage's name. */
  stage: string;
  runId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The stage's environment: the supervisor's, its `env`, NETRA_* variables. */
  env: Record<string, string | undefined>;
  /** Outputs of every stage upstream, by stage name: `ctx.outputs.config.DB_URL`. */
  outputs: Record<string, Record<string, string>>;
  /** Aborted when the attempt is cancelled or times out: pass it to fetch, timers… */
  signal: AbortSignal;
  /** A line to the stage's log and the live view. */
  log(...args: unknown[]): void;
}

/** Values a stage hands to its dependents (as env NETRA_<STAGE>_<KEY> and ctx.outputs). */
export type StageOutputs = Record<string, string | number | boolean>;

/** A module stage: `module: ./stages/cache.ts` in startup.yaml. */
export interface StageModule {
  /** Do the work; throw to fail the attempt. May return outputs. */
  init(ctx: StageContext): void | StageOutputs | Promise<void | StageOutputs>;
  /** Undo init on rollback or `netra-start down`. */
  cleanup?(ctx: StageContext): void | Promise<void>;
  /** Used as the health check when the stage has no `health:`; false or a throw = unhealthy. */
  health?(ctx: StageContext): boolean | void | Promise<boolean | void>;
}
