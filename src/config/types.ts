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
}

export interface Requires {
  env: string[];
  commands: string[];
  files: string[];
  ports: number[];
  tcp: { host: string; port: number }[];
  disk: { path: string; minFreeBytes: number } | undefined;
}

export interface Stage {
  name: string;
  /** Position in the file: ties in ordering are broken by it. */
  index: number;
  /** 1-based line of the stage's key in the config file (0 if only a profile defines it): for annotations. */
  line: number;
  description: string | undefined;
  kind: StageKind;
  runner: Runner;
  dependsOn: string[];
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
  /** `once: fleet`: one host of the fleet runs it, the others take its recorded result (docs/fleet.md). */
  once: "fleet" | undefined;
  /** How long a host waits for the fleet's holder of a `once: fleet` stage. */
  onceTimeoutMs: number;
}

export interface Settings {
  concurrency: number;
  degraded: "allow" | "fail";
  rollback: boolean;
  retention: { runs: number; days: number };
  secrets: string[];
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
  health: { intervalMs: 1000, timeoutMs: 5000, retries: 10, startPeriodMs: 0 },
} as const;

/** Most stages running at once, for settings.concurrency and `up -j`: more is a fork bomb, not a startup. */
export const MAX_CONCURRENCY = 1024;

export const DEFAULT_SETTINGS: Settings = {
  concurrency: 8,
  degraded: "allow",
  rollback: true,
  retention: { runs: 200, days: 90 },
  secrets: [],
  coordination: undefined,
  reportStore: "sqlite",
};
