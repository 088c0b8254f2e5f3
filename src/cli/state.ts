// Where the read-only commands (history, report, circuits) find the state dir: the
// --state-dir flag, NETRA_START_STATE_DIR, or .netra beside the config file that -c,
// NETRA_START_CONFIG or ./startup.yaml names. The config is only located, never read:
// these commands must work when it is broken.
import { findConfig } from "../config/load.js";
import { resolveStateDir, type CommonOptions } from "./options.js";

export function stateDirFor(options: CommonOptions, env: NodeJS.ProcessEnv = process.env): string {
  return resolveStateDir(options, findConfig(options.config, env, process.cwd()).path, env);
}
