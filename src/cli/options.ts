// Options every command shares, resolved once: flag > environment > default. Only
// commander here: main.ts imports this for every command, --version included.
import path from "node:path";
import type { Command } from "commander";
import { Option } from "commander";

export type OutputMode = "tty" | "plain" | "json";

export interface CommonOptions {
  config?: string;
  profile?: string;
  stateDir?: string;
  output?: string;
}

export function addCommonOptions(command: Command): Command {
  return command
    .option("-c, --config <file>", "config file (env NETRA_START_CONFIG; default ./startup.yaml)")
    .option("-p, --profile <name>", "profile to merge over the file (env NETRA_START_PROFILE)")
    .option("--state-dir <dir>", "state directory (env NETRA_START_STATE_DIR; default .netra beside the config)")
    .addOption(new Option("--output <mode>", "output mode (env NETRA_START_OUTPUT)").choices(["auto", "tty", "plain", "json"]));
}

export function resolveOutputMode(option: string | undefined, env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): OutputMode {
  const chosen = option ?? env.NETRA_START_OUTPUT ?? "auto";
  if (chosen === "tty" || chosen === "plain" || chosen === "json") return chosen;
  return isTTY && !env.CI ? "tty" : "plain";
}

export function resolveStateDir(options: CommonOptions, configPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = options.stateDir ?? env.NETRA_START_STATE_DIR;
  return chosen ? path.resolve(chosen) : path.join(path.dirname(configPath), ".netra");
}
