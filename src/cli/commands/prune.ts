import { openDatabase } from "../../store/database.js";
import { prune } from "../../store/queries.js";
import { resolveStateDir, type CommonOptions } from "../options.js";
import { loadConfigOrExit } from "../load-config.js";
import { out } from "../io.js";

// `prune`: apply settings.retention now (`up` also does at the end of every run).
export async function run(_args: string[], options: CommonOptions): Promise<number> {
  const { config } = loadConfigOrExit(options);
  const stateDir = resolveStateDir(options, config.path);
  const db = openDatabase(stateDir);
  try {
    const { runs } = prune(db, stateDir, config.settings.retention, Date.now(), { wait: true });
    out(runs.length === 0 ? `nothing to prune (keeping ${config.settings.retention.runs} runs, ${config.settings.retention.days} days)` : `pruned ${runs.length} run${runs.length === 1 ? "" : "s"}: ${runs.join(", ")}`);
    return 0;
  } finally {
    db.close();
  }
}
