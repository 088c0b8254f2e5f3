// Options every command shares, resolved once: flag > environment > default. Only
// commander here: main.ts imports this for every command, --version included.
import path from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import { MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration } from "../config/duration.js";

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

// Numeric options are parsed by commander as it reads the command line, so a bad one is a
// usage error (exit 2) before the config is even read. Whole numbers are plain digits:
// Number() would take `1e20`, `0x10`, `1.0` and " 4".
export function wholeNumberOption(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`Use a whole number from ${min} to ${max}.`);
    return n;
  };
}

// A duration option (`--wait-lock 30s`), in milliseconds, held to the config's maximum.
export function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError("Use a duration like 30s, 2m or 1h.");
  if (ms > MAX_DURATION_MS) throw new InvalidArgumentError(`The maximum is ${MAX_DURATION_TEXT}.`);
  return ms;
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
