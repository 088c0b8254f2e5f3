// Where the read-only commands (history, report, circuits) find the state dir: from the
// config when there is one, else --state-dir / NETRA_START_STATE_DIR, else ./.netra.
// They must work when the config is broken.
import path from "node:path";
import { findConfig } from "../config/load.js";
import type { CommonOptions } from "./options.js";
import { resolveStateDir } from "./options.js";

export function stateDirFor(options: CommonOptions, env: NodeJS.ProcessEnv = process.env): string {
  if (options.stateDir ?? env.NETRA_START_STATE_DIR) return resolveStateDir(options, "", env);
  return resolveStateDir(options, findConfig(options.config, env, process.cwd()).path, env) || path.resolve(".netra");
}
