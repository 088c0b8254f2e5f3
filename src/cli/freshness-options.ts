// What `up` and `plan` need to tell up-to-date tasks: the last fingerprints, the state
// dir's key, and `--force`. Nothing is read or made when no stage has inputs/creates.
import type { Config } from "../config/types.js";
import { isFingerprinted, type FreshnessOptions } from "../engine/freshness/freshness.js";
import { freshnessDir, loadKey } from "../engine/freshness/state-files.js";
import type { Db } from "../store/database.js";
import { loadFingerprints } from "../store/fingerprints.js";
import { didYouMean } from "../config/suggest.js";
import { UsageError } from "./exit.js";

/** `--force` alone is every task; `--force a b` only those, each a known stage. */
export function forcedStages(force: boolean | string[] | undefined, config: Config): true | ReadonlySet<string> {
  if (force === true) return true;
  const names = force === undefined || force === false ? [] : force;
  const known = config.stages.map((s) => s.name);
  for (const name of names) {
    if (!known.includes(name)) throw new UsageError(`--force: unknown stage "${name}"`, didYouMean(name, known) ?? "run `netra-start plan` to list the stages");
  }
  return new Set(names);
}

export function freshnessOptions(config: Config, stateDir: string, db: Db | undefined, force: true | ReadonlySet<string>): FreshnessOptions | undefined {
  if (!config.stages.some(isFingerprinted)) return undefined;
  const dir = freshnessDir(stateDir);
  return { dir, key: loadKey(dir), previous: db ? loadFingerprints(db) : new Map(), force };
}
