import { readCircuits, resetCircuits } from "../../store/circuits.js";
import { openDatabase } from "../../store/database.js";
import { openDatabaseReadonly } from "../../store/read-database.js";
import type { CommonOptions } from "../options.js";
import { out } from "../io.js";
import { dataFormat, printJson, printJsonLines } from "../data-format.js";
import { stateDirFor } from "../state.js";
import { alignColumns } from "../../output/columns.js";

// `circuits`: every stage's breaker; `circuits reset [STAGE]`: close them by hand.
export async function run(args: string[], options: CommonOptions & { format?: string }): Promise<number> {
  const [action, stage] = args;
  const resetting = action === "reset";
  const stateDir = stateDirFor(options);
  const db = resetting ? openDatabase(stateDir) : openDatabaseReadonly(stateDir);
  try {
    if (resetting) {
      const reset = db ? resetCircuits(db, stage) : [];
      if (dataFormat(options) === "json") return printJson({ type: "circuits-reset", closed: reset }), 0;
      out(reset.length === 0 ? `nothing to reset${stage ? ` for ${stage}` : ""}: ${stage ? "its circuit is" : "all circuits are"} closed` : `closed: ${reset.join(", ")}`);
      return 0;
    }
    const rows = db ? readCircuits(db) : [];
    if (dataFormat(options) === "json") {
      printJsonLines(rows);
      return 0;
    }
    if (rows.length === 0) return out("no circuit has recorded a failure"), 0;
    const table = [["STAGE", "STATE", "FAILURES", "OPENED AT", "UPDATED AT"], ...rows.map((r) => [r.stage, r.state.replace("_", "-"), String(r.consecutive_failures), r.opened_at ?? "-", r.updated_at])];
    for (const line of alignColumns(table)) out(line);
    return 0;
  } finally {
    db?.close();
  }
}
