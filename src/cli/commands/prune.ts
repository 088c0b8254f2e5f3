import { openDatabase } from "../../store/database.js";
import { prune } from "../../store/queries.js";
import { resolveStateDir, type CommonOptions } from "../options.js";
import { loadConfigOrExit } from "../load-config.js";
import { parseCount } from "../count-option.js";
import { err, out } from "../io.js";

// `prune`: apply settings.retention now (`up` also does at the end of every run);
// `--keep N` keeps the newest N runs instead of settings.retention.runs. Rows go first;
// a log folder that cannot be removed is a warning, not a failure.
export async function run(_args: string[], options: CommonOptions & { keep?: string }): Promise<number> {
  const { config } = loadConfigOrExit(options);
  const retention = { ...config.settings.retention, ...(options.keep === undefined ? {} : { runs: parseCount("--keep", options.keep) }) };
  const stateDir = resolveStateDir(options, config.path);
  const db = openDatabase(stateDir);
  try {
    const { runs, problems } = prune(db, stateDir, retention, Date.now(), { wait: true });
    for (const problem of problems) err(`warning: ${problem}`);
    out(runs.length === 0 ? `nothing to prune (keeping ${retention.runs} runs, ${retention.days} days)` : `pruned ${runs.length} run${runs.length === 1 ? "" : "s"}: ${runs.join(", ")}`);
    return 0;
  } finally {
    db.close();
  }
}
