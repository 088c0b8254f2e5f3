import { formatDuration } from "../../config/duration.js";
import { makeStyle } from "../../output/style.js";
import { openDatabaseReadonly } from "../../store/read-database.js";
import { listRuns } from "../../store/queries.js";
import type { CommonOptions } from "../options.js";
import { parseCount } from "../count-option.js";
import { out } from "../io.js";
import { dataFormat, printJsonLines } from "../data-format.js";
import { stateDirFor } from "../state.js";
import { alignColumns } from "../../output/columns.js";

export async function run(_args: string[], options: CommonOptions & { limit?: string; format?: string }): Promise<number> {
  const limit = parseCount("--limit", options.limit ?? "20");
  const db = openDatabaseReadonly(stateDirFor(options));
  try {
    const runs = db ? listRuns(db, limit) : [];
    if (dataFormat(options) === "json") {
      printJsonLines(runs);
      return 0;
    }
    if (runs.length === 0) {
      out("no runs recorded yet");
      return 0;
    }
    const style = makeStyle(process.stdout);
    const rows = [["RUN", "STARTED", "STATUS", "EXIT", "DURATION", "STAGES", "COMMAND"]];
    for (const r of runs) {
      const counts = `${r.ready}/${r.stages_total} ready${r.failed ? `, ${r.failed} failed` : ""}${r.skipped ? `, ${r.skipped} skipped` : ""}${r.cancelled ? `, ${r.cancelled} cancelled` : ""}`;
      rows.push([r.id, r.started_at.replace("T", " ").slice(0, 19), r.status, r.exit_code === null ? "-" : String(r.exit_code), r.duration_ms === null ? "-" : formatDuration(r.duration_ms), counts, r.command]);
    }
    alignColumns(rows).forEach((text, n) => {
      const status = rows[n]?.[2];
      out(n === 0 ? style.bold(text) : status === "ready" ? text : status === "degraded" ? style.yellow(text) : style.red(text));
    });
    return 0;
  } finally {
    db?.close();
  }
}
