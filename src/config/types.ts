// The validated, fully resolved config that everything after the config stage consumes.
// Defaults, profiles and interpolation are already applied; durations are milliseconds;
// paths are absolute. Nothing downstream re-checks what this type promises.
export type Priority = "critical" | "high" | "medium" | "low";
export type StageKind = "task" | "service";
export type RestartPolicy = "no" | "on-failure" | "always";

/** A string runs through `/bin/sh -c`; an argv list runs with no shell. */
export type Command = { shell: string } | { argv: string[] };

export type Runner = { type: "command"; command: Command } | { type: "module"; module: string };

export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
  jitter: boolean;
}

export interface CircuitBreaker {
  threshold: number;
  recoveryMs: number;
}

export type HealthProbe =
  | { type: "command"; command: Command }
  | { type: "http"; url: string; status: number[] | undefined; bodyContains: string | undefined }
  | { type: "tcp"; host: string; port: number }
  | { type: "log"; pattern: string };

export interface HealthCheck {
  probe: HealthProbe;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
  /** Passing probes in a row that make the stage ready. */
  successThreshold: number;
  /** No probe before this long after waiting began. */
  initialDelayMs: number;
}

export interface Requires {
  env: string[];
  commands: string[];
  files: string[];
  ports: number[];
  tcp: { host: string; port: number }[];
  disk: { path: string; minFreeBytes: number } | undefined;
}

export type DependencyCondition = "started" | "ready" | "completed";

/** One `depends_on` entry, long form or short (a name: ready, required, no restart). */
export interface DependencyEdge {
  stage: string;
  condition: DependencyCondition;
  /** false: a failed or skipped dependency does not skip the dependent. */
  required: boolean;
  /** Restart the dependent when the dependency is restarted (wired by the control plane). */
  restart: boolean;
}

export interface Stage {
  name: string;
  /** Position in the file: ties in ordering are broken by it. */
  index: number;
  /** 1-based line of the stage's key in the config file (0 if only a profile defines it): for annotations. */
  line: number;
  /** The file that defines the stage, as shown to the user: the config, or a file it includes. */
  file: string;
  description: string | undefined;
  kind: StageKind;
  runner: Runner;
  dependsOn: string[];
  /** The same dependencies, in the same order, with their conditions. */
  dependencies: DependencyEdge[];
  priority: Priority;
  timeoutMs: number;
  retries: number;
  backoff: Backoff;
  circuitBreaker: CircuitBreaker;
  health: HealthCheck | undefined;
  cleanup: Command | undefined;
  env: Record<string, string>;
  cwd: string;
  requires: Requires;
  restart: RestartPolicy;
  killTimeoutMs: number;
  /** Globs relative to `cwd` (tasks only): with `creates`, makes the task skippable when up to date. */
  inputs: string[];
  /** Absolute paths the task makes: a missing one makes it run. */
  creates: string[];
  /** `up --watch`: globs relative to `cwd`; a change restarts (a task: re-runs) the stage. */
  watch?: string[];
  /** Probed after ready (services): `liveness`, else `health`; undefined when neither probes. */
  liveness: HealthCheck | undefined;
  /** How a service is stopped at teardown: a command first (if any), then this signal, SIGKILL after the grace. */
  stop: StopPolicy;
  /** `user:` as written (a name or a uid): looked up when `up` starts (user-identity.ts). */
  user: string | undefined;
  /** `once: fleet`: one host of the fleet runs it, the others take its recorded result (docs/fleet.md). */
  once: "fleet" | undefined;
  /** How long a host waits for the fleet's holder of a `once: fleet` stage. */
  onceTimeoutMs: number;
}

export interface StopPolicy {
  signal: NodeJS.Signals;
  graceMs: number;
  command: Command | undefined;
}

export interface Settings {
  concurrency: number;
  degraded: "allow" | "fail";
  rollback: boolean;
  retention: { runs: number; days: number };
  secrets: string[];
  /** The health endpoint's address (settings.http), and the bearer token it requires. */
  http: { host: string; port: number } | undefined;
  httpToken: string | undefined;
  coordination: Coordination | undefined;
  /** Where runs are recorded besides the local SQLite: `postgres` copies them to settings.coordination's database. */
  reportStore: "sqlite" | "postgres";
}

/** settings.coordination: the PostgreSQL database through which a fleet runs `once: fleet` stages. */
export interface Coordination {
  /** A postgres:// connection string; it may hold a password, so it is never printed whole. */
  postgres: string;
  /** Names the fleet: hosts with the same scope share their `once: fleet` results. */
  scope: string;
  /** `file:line:col` of settings.coordination.postgres, for errors at run time. */
  where: string;
}

export interface Config {
  /** Absolute path of the config file. */
  path: string;
  /** Directory of the config file: relative paths in stages resolve against it. */
  dir: string;
  name: string;
  profile: string | undefined;
  /** sha256 of the file's bytes, recorded with each run. */
  hash: string;
  settings: Settings;
  /** Variables read from `.env` beside the config (interpolation only): the redactor learns their secrets. */
  dotenv: Readonly<Record<string, string>>;
  /** Enabled stages, in declaration order. */
  stages: Stage[];
}

export const DEFAULT_STAGE = {
  kind: "task",
  priority: "critical",
  timeoutMs: 60_000,
  retries: 3,
  backoff: { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: true },
  circuitBreaker: { threshold: 3, recoveryMs: 300_000 },
  restart: "on-failure",
  killTimeoutMs: 5000,
  onceTimeoutMs: 600_000,
  health: { intervalMs: 1000, timeoutMs: 5000, retries: 10, startPeriodMs: 0, successThreshold: 1, initialDelayMs: 0 },
} as const;

/** Most stages running at once, for settings.concurrency and `up -j`: more is a fork bomb, not a startup. */
export const MAX_CONCURRENCY = 1024;

export const DEFAULT_SETTINGS: Settings = {
  concurrency: 8,
  degraded: "allow",
  rollback: true,
  retention: { runs: 200, days: 90 },
  secrets: [],
  http: undefined,
  httpToken: undefined,
  coordination: undefined,
  reportStore: "sqlite",
};
