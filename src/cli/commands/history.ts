import { formatDuration } from "../../config/duration.js";
import { makeStyle } from "../../output/style.js";
import { openDatabase } from "../../store/database.js";
import { listRuns } from "../../store/queries.js";
import type { CommonOptions } from "../options.js";
import { UsageError } from "../exit.js";
import { out } from "../io.js";
import { dataFormat, printJsonLines } from "../data-format.js";
import { stateDirFor } from "../state.js";
import { alignColumns } from "../../output/columns.js";

export async function run(_args: string[], options: CommonOptions & { limit?: string; format?: string }): Promise<number> {
  const limit = Number(options.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number ≥ 1, got "${options.limit}"`);
  const db = openDatabase(stateDirFor(options), { readonly: true });
  try {
    const runs = listRuns(db, limit);
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
    db.close();
  }
}
