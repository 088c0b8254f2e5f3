import { renderHtml } from "../../output/report-html.js";
import { renderJunit } from "../../output/junit.js";
import { renderPrometheus } from "../../output/prometheus.js";
import { reportText } from "../../output/report-text.js";
import { makeStyle } from "../../output/style.js";
import { openDatabaseReadonly } from "../../store/read-database.js";
import { findRun, runDetails, type RunDetails } from "../../store/queries.js";
import type { CommonOptions } from "../options.js";
import { fleetStore, readOrExit } from "../fleet-store.js";
import { UsageError } from "../exit.js";
import { outLines } from "../io.js";
import { dataFormat, printJson } from "../data-format.js";
import { stateDirFor } from "../state.js";

export async function run(args: string[], options: CommonOptions & { format?: string; fleet?: boolean }): Promise<number> {
  if (options.fleet) return print(await fleetDetails(args[0], options), options);
  const stateDir = stateDirFor(options);
  const db = openDatabaseReadonly(stateDir);
  if (!db) throw new UsageError("no runs recorded yet", "nothing has run with this state dir: run `netra-start up` first, or pass --state-dir / -c");
  try {
    const recorded = findRun(db, args[0]);
    if (!recorded) throw new UsageError(args[0] ? `no run "${args[0]}" (or more than one starts with it)` : "no runs recorded yet", "`netra-start history` lists the runs");
    return print(runDetails(db, recorded, stateDir), options);
  } finally {
    db.close();
  }
}

function print(details: RunDetails, options: CommonOptions & { format?: string }): number {
  switch (dataFormat(options)) {
    case "json":
      printJson(details);
      break;
    case "junit":
      process.stdout.write(renderJunit(details));
      break;
    case "prometheus":
      process.stdout.write(renderPrometheus(details));
      break;
    case "html":
      process.stdout.write(renderHtml(details));
      break;
    default:
      outLines(reportText(details, makeStyle(process.stdout)));
  }
  return 0;
}

// A run of any host, from settings.report_store: postgres (docs/fleet.md).
async function fleetDetails(id: string | undefined, options: CommonOptions): Promise<RunDetails> {
  const coordination = fleetStore(options, "report");
  const { fleetRunDetails } = await import("../../fleet/fleet-report.js");
  const found = readOrExit(await fleetRunDetails(coordination, id));
  if (!found.details) throw new UsageError(id ? `no run "${id}" in the fleet's report store (or more than one starts with it)` : "no runs in the fleet's report store yet", "`netra-start history --fleet` lists them");
  return found.details;
}
