import { formatDuration } from "../../config/duration.js";
import { makeStyle } from "../../output/style.js";
import { openDatabaseReadonly } from "../../store/read-database.js";
import { listRuns, type RunRow } from "../../store/queries.js";
import type { CommonOptions } from "../options.js";
import { fleetStore, readOrExit } from "../fleet-store.js";
import { parseCount } from "../count-option.js";
import { out } from "../io.js";
import { dataFormat, printJsonLines } from "../data-format.js";
import { stateDirFor } from "../state.js";
import { alignColumns } from "../../output/columns.js";

export async function run(_args: string[], options: CommonOptions & { limit?: string; format?: string; fleet?: boolean }): Promise<number> {
  const limit = parseCount("--limit", options.limit ?? "20");
  const db = options.fleet ? undefined : openDatabaseReadonly(stateDirFor(options));
  try {
    const runs = options.fleet ? await fleetRuns(options, limit) : db ? listRuns(db, limit) : [];
    if (dataFormat(options) === "json") {
      printJsonLines(runs);
      return 0;
    }
    if (runs.length === 0) {
      out("no runs recorded yet");
      return 0;
    }
    const style = makeStyle(process.stdout);
    // With --fleet, each row says which host ran it.
    const host = (r: RunRow) => (options.fleet ? [r.host] : []);
    const rows = [[...(options.fleet ? ["HOST"] : []), "RUN", "STARTED", "STATUS", "EXIT", "DURATION", "STAGES", "COMMAND"]];
    for (const r of runs) {
      const counts = `${r.ready}/${r.stages_total} ready${r.failed ? `, ${r.failed} failed` : ""}${r.skipped ? `, ${r.skipped} skipped` : ""}${r.cancelled ? `, ${r.cancelled} cancelled` : ""}`;
      rows.push([...host(r), r.id, r.started_at.replace("T", " ").slice(0, 19), r.status, r.exit_code === null ? "-" : String(r.exit_code), r.duration_ms === null ? "-" : formatDuration(r.duration_ms), counts, r.command]);
    }
    alignColumns(rows).forEach((text, n) => {
      const status = rows[n]?.[options.fleet ? 3 : 2];
      out(n === 0 ? style.bold(text) : status === "ready" ? text : status === "degraded" ? style.yellow(text) : style.red(text));
    });
    return 0;
  } finally {
    db?.close();
  }
}

// The runs of every host, from settings.report_store: postgres (docs/fleet.md).
async function fleetRuns(options: CommonOptions, limit: number): Promise<RunRow[]> {
  const coordination = fleetStore(options, "history");
  const { listFleetRuns } = await import("../../fleet/fleet-history.js");
  return readOrExit(await listFleetRuns(coordination, limit)).runs;
}
