import { existsSync } from "node:fs";
import { buildPlan, selectStages, type Plan } from "../../graph/plan.js";
import type { Forecast } from "../../engine/freshness/forecast.js";
import type { RecordedFingerprint } from "../../engine/freshness/freshness.js";
import type { Db } from "../../store/database.js";
import { planToDot, planToJson, planToMermaid, planToText, planViewOf } from "../../output/plan-format.js";
import { resolveStateDir, type CommonOptions } from "../options.js";
import { loadConfigOrExit } from "../load-config.js";
import { UsageError } from "../exit.js";
import { out } from "../io.js";
import { dataFormat, printJson } from "../data-format.js";

export async function run(names: string[], options: CommonOptions & { format?: string }): Promise<number> {
  const { config, analysis } = loadConfigOrExit(options);
  const selection = selectStages(config, names);
  if (!selection.ok) throw new UsageError(`unknown stage "${selection.unknown}"`, selection.hint ?? "run `netra-start plan` to list the stages");
  const stateDir = resolveStateDir(options, config.path);
  const plan = buildPlan(selection.stages, await recordedEstimates(stateDir));
  const view = { ...planViewOf(config, analysis.location.shown), freshness: await forecast(plan, stateDir) };
  switch (dataFormat(options)) {
    case "json":
      printJson(planToJson(plan, view));
      break;
    case "mermaid":
      out(planToMermaid(plan).join("\n"));
      break;
    case "dot":
      out(planToDot(plan, view).join("\n"));
      break;
    default:
      out(planToText(plan, view).join("\n"));
  }
  return 0;
}

// Which tasks with inputs/creates the next `up` would skip. Reads the state dir only:
// without a key or a database, nothing ran before ("no previous run").
async function forecast(plan: Plan, stateDir: string): Promise<Map<number, Forecast> | undefined> {
  const { isFingerprinted } = await import("../../engine/freshness/freshness.js");
  if (!plan.stages.some(isFingerprinted)) return undefined;
  const { freshnessDir, readKey } = await import("../../engine/freshness/state-files.js");
  const { forecastFreshness } = await import("../../engine/freshness/forecast.js");
  const dir = freshnessDir(stateDir);
  const key = readKey(dir);
  const previous = key ? await recordedFingerprints(stateDir) : new Map<string, RecordedFingerprint>();
  return forecastFreshness(plan, { dir, key: key ?? Buffer.alloc(32), previous, force: new Set() });
}

async function recordedFingerprints(stateDir: string): Promise<Map<string, RecordedFingerprint>> {
  const { loadFingerprints } = await import("../../store/fingerprints.js");
  return (await readRecords(stateDir, loadFingerprints)) ?? new Map();
}

// Past durations from the report database, when there is one: the critical path is then
// the one the next run will really have. No database, or a damaged one: 1 s per stage.
async function recordedEstimates(stateDir: string): Promise<Map<string, number>> {
  try {
    const { durationEstimates } = await import("../../store/queries.js");
    return (await readRecords(stateDir, durationEstimates)) ?? new Map();
  } catch {
    return new Map();
  }
}

// One read of the report database, opened read-only; undefined when nothing has run here.
async function readRecords<T>(stateDir: string, read: (db: Db) => T): Promise<T | undefined> {
  const { databasePath } = await import("../../store/database.js");
  if (!existsSync(databasePath(stateDir))) return undefined;
  const { openDatabaseReadonly } = await import("../../store/read-database.js");
  const db = openDatabaseReadonly(stateDir);
  if (!db) return undefined;
  try {
    return read(db);
  } finally {
    db.close();
  }
}
