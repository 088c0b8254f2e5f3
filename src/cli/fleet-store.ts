// What `history --fleet` and `report --fleet` share: the config's report store, or a
// usage error saying how to set one up; and a read that failed, said once, exit 1.
import type { Coordination } from "../config/types.js";
import type { FleetRead } from "../fleet/read-fleet.js";
import { loadConfigOrExit } from "./load-config.js";
import { ExitCode, ExitError, UsageError } from "./exit.js";
import { err } from "./io.js";
import type { CommonOptions } from "./options.js";

export function fleetStore(options: CommonOptions, command: string): Coordination {
  const { config, analysis } = loadConfigOrExit(options);
  const coordination = config.settings.coordination;
  if (!coordination || config.settings.reportStore !== "postgres")
    throw new UsageError(`${command} --fleet reads the fleet's report store, and ${analysis.location.shown} has none`, 'set settings.report_store: postgres and settings.coordination: { postgres: "${DATABASE_URL}", scope: my-app } (docs/fleet.md)');
  return coordination;
}

export function readOrExit<T>(read: FleetRead<T>): T {
  if (read.ok) return read;
  err(`error: ${read.message}`);
  throw new ExitError(ExitCode.failed);
}
