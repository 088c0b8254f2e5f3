// The contract's exit codes, once. The engine decides a run's code from them; only
// src/cli/main.ts turns a code into a process exit.
export const ExitCode = {
  ready: 0,
  failed: 1,
  invalid: 2,
  degraded: 3,
  locked: 4,
  /** A bug in netra-start (EX_SOFTWARE); the run is still torn down and recorded. */
  internal: 70,
  sighup: 129,
  sigint: 130,
  sigterm: 143,
} as const;
