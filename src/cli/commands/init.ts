import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { displayPath, findConfig } from "../../config/load.js";
import { configSchema } from "../../config/schema.js";
import { STARTER_CONFIG } from "../../config/starter.js";
import type { CommonOptions } from "../options.js";
import { ExitCode } from "../exit.js";
import { ensureIgnored, type IgnoreChange } from "../gitignore.js";
import { cliCommand } from "../invocation.js";
import { err, out } from "../io.js";

export const SCHEMA_FILE_NAME = "netra-start.schema.json";

// Writes the starter config and, beside it, the JSON Schema its first line points at,
// so editors complete keys with no network access; and keeps the state dir (.netra/,
// also beside the config) out of git, since it holds a database and logs of every run.
export async function run(_args: string[], options: CommonOptions & { force?: boolean }): Promise<number> {
  const location = findConfig(options.config, process.env, process.cwd());
  if (existsSync(location.path) && !options.force) {
    err(`${location.shown} already exists; not overwriting it`);
    err("hint: pass --force to replace it, or -c to write another file");
    return ExitCode.invalid;
  }
  mkdirSync(path.dirname(location.path), { recursive: true });
  writeFileSync(location.path, STARTER_CONFIG);
  const schemaPath = path.join(path.dirname(location.path), SCHEMA_FILE_NAME);
  writeFileSync(schemaPath, `${JSON.stringify(configSchema, null, 2)}\n`);
  out(`wrote ${location.shown} and ${displayPath(schemaPath, process.cwd())}`);
  const gitignore = path.join(path.dirname(location.path), ".gitignore");
  const change = ensureIgnored(gitignore, ".netra/", "netra-start: run history and stage logs");
  if (change !== "present") out(`${describe(change)} ${displayPath(gitignore, process.cwd())}`);
  const command = cliCommand();
  const config = options.config ? ` -c ${location.shown}` : "";
  out(`next: ${command} plan${config}, then ${command} up${config}`);
  return ExitCode.ready;
}

function describe(change: Exclude<IgnoreChange, "present">): string {
  switch (change) {
    case "created":
      return "wrote .netra/ (run history and logs) into a new";
    case "appended":
      return "added .netra/ (run history and logs) to";
  }
}
