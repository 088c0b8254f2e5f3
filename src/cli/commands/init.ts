import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { displayPath, findConfig } from "../../config/load.js";
import { configSchema } from "../../config/schema.js";
import { STARTER_CONFIG } from "../../config/starter.js";
import type { CommonOptions } from "../options.js";
import { ExitCode } from "../exit.js";
import { err, out } from "../io.js";

export const SCHEMA_FILE_NAME = "netra-start.schema.json";

// Writes the starter config and, beside it, the JSON Schema its first line points at,
// so editors complete keys with no network access.
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
  out(`next: netra-start plan${options.config ? ` -c ${location.shown}` : ""}`);
  return ExitCode.ready;
}
